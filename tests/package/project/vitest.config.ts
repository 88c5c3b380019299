import { defineConfig } from 'vitest/config'
import { lmscale } from 'lmscale/vitest'

export default defineConfig({
  plugins: [lmscale()],
})
