import { addingFieldWithDefault } from './adding-field-with-default.js'
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint.js'
import { addingNotNullableField } from './adding-not-nullable-field.js'
import { addingRequiredField } from './adding-required-field.js'
import { banDropColumn } from './ban-drop-column.js'
import { banDropTable } from './ban-drop-table.js'
import { changingColumnType } from './changing-column-type.js'
import { concurrentlyInTransaction } from './concurrently-in-transaction.js'
import { constraintMissingNotValid } from './constraint-missing-not-valid.js'
import { disallowedUniqueConstraint } from './disallowed-unique-constraint.js'
import { missingDown } from './missing-down.js'
import { multipleDdlNonTransactional } from './multiple-ddl-non-transactional.js'
import { renamingColumn } from './renaming-column.js'
import { renamingTable } from './renaming-table.js'
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js'
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.js'
import type { Rule } from './rule.js'
import { sqliteTableRebuild } from './sqlite-table-rebuild.js'
import { unbatchedDataChange } from './unbatched-data-change.js'

/** Every rule, in the order the rules table lists them. */
export const rules: readonly Rule[] = [
  missingDown,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  concurrentlyInTransaction,
  addingRequiredField,
  addingNotNullableField,
  changingColumnType,
  addingFieldWithDefault,
  constraintMissingNotValid,
  addingForeignKeyConstraint,
  disallowedUniqueConstraint,
  banDropTable,
  banDropColumn,
  renamingTable,
  renamingColumn,
  unbatchedDataChange,
  multipleDdlNonTransactional,
  sqliteTableRebuild,
]

export type { Rule, RuleContext, Hit } from './rule.js'
