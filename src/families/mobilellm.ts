/**
 * The MobileLLM study's models (onnx-community's transformers.js exports of Meta's MobileLLM) and the special-token
 * fix. Plan mode, device and dtype are every hub study's (hub-study.ts).
 *
 * NOTHING HERE HAS BEEN CHECKED AGAINST THE HUB: no machine that wrote this reaches it. The ids are the ones believed
 * to exist; every revision is a placeholder ('main') to be replaced by a commit hash (plan mode prints the commit
 * each revision resolves to).
 */
import { type StudyModel, hubModel } from './hub-study.ts'

/**
 * MobileLLM's tokenizer_config.json names bos/eos/unk as empty strings (spec §4); the model card's fix. Every study model carries it
 * (`specialTokens`), and every result records it.
 */
export const MOBILELLM_SPECIAL_TOKENS = { bos: '<s>', eos: '</s>', unk: '<unk>' } as const

const FIX = { specialTokens: MOBILELLM_SPECIAL_TOKENS }

/** The MobileLLM sizes of the paper (spec §4), in the transformers.js layout, each with the special-token fix. Unverified ids. */
export const MOBILELLM_MODELS: readonly StudyModel[] = [
  hubModel('MobileLLM-125M', 'onnx-community/MobileLLM-125M', 125e6, FIX),
  hubModel('MobileLLM-350M', 'onnx-community/MobileLLM-350M', 350e6, FIX),
  hubModel('MobileLLM-600M', 'onnx-community/MobileLLM-600M', 600e6, FIX),
  hubModel('MobileLLM-1B', 'onnx-community/MobileLLM-1B', 1e9, FIX),
  hubModel('MobileLLM-1.5B', 'onnx-community/MobileLLM-1.5B', 1.5e9, FIX),
]
