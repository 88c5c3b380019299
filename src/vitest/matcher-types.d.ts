/**
 * Types lmscale's matchers for `expect(x)`, `expect.soft(x)`, `.not` and asymmetric use. Vitest 4.1 declares
 * `Matchers<T>` and Vitest 5 `Matchers<R, T>`; TypeScript wants every declaration of an interface to have the
 * same type parameters, which no single augmentation can match on both majors. A declaration file is checked
 * only without skipLibCheck, so this one augmentation serves both; its first parameter is what each major's
 * matchers return (the received type in 4.1, void | Promise<void> in 5).
 */
import type { LmscaleMatchers } from './lmscale-matchers.ts'

declare module 'vitest' {
  interface Matchers<R = any> extends LmscaleMatchers<R> {}
}
