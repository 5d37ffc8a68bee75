import { describe, it } from 'vitest'
import { availableDialects, runDialectConformance } from '../../src/testing/index.js'

if ((await availableDialects()).includes('mysql')) runDialectConformance('mysql')
else describe.skip('mysql dialect conformance (no server)', () => it('skipped', () => {}))
