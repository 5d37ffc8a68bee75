import * as v from 'valibot'

/** Per-rule severity in mig.config: `"lint": { "rules": { "renaming-column": "error", "ban-drop-column": "off" } }`. */
export const lintConfigSchema = v.strictObject({
  rules: v.optional(v.record(v.string(), v.picklist(['off', 'warning', 'error']))),
})

export type LintConfig = v.InferOutput<typeof lintConfigSchema>
export type RuleSetting = 'off' | 'warning' | 'error'
