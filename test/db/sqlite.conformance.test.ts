import { describe, it } from 'vitest'
import { availableDialects, runDialectConformance } from '../../src/testing/index.js'

if ((await availableDialects()).includes('sqlite')) runDialectConformance('sqlite')
else describe.skip('sqlite dialect conformance (no server)', () => it('skipped', () => {}))
