// Public surface of the scaling analysis.
export { analyzeScaling } from './analyze.ts';
export { formatScalingMarkdown } from './markdown.ts';
export type * from './analysis-types.ts';
export { CONVENTION_LABELS, type ParameterConvention, type ScalingOptions, type ScalingPoint, type TaskAccuracy } from './input.ts';
export { CHANCE_LEVELS, MAJORITY_BASELINES, chanceLevelFor } from './chance-levels.ts';
export { fitLinear, predictLinear, type LinearFit } from './linear-fit.ts';
export { studentTCdf, studentTQuantile, studentTCritical, studentTTwoSidedPValue } from './student-t.ts';
export { fitSaturatingHuber, saturatingLoss, type SaturatingFit, type SaturatingParameters } from './saturating-law.ts';
export { profileIrreducibleLoss, fitFixedIrreducibleLoss, IDENTIFIABILITY_CRITERION } from './irreducible-profile.ts';
export { bootstrapSaturating } from './bootstrap.ts';
export { leaveOneOut, forwardRollout } from './extrapolation.ts';
export { compareLossForms } from './model-selection.ts';
export { fitChanceFlooredSigmoid, chanceFlooredSigmoid } from './sigmoid.ts';
export { LOSS_FORMS, type LossForm } from './loss-forms.ts';
