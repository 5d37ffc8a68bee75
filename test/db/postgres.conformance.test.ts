import { describe, it } from 'vitest'
import { availableDialects, runDialectConformance } from '../../src/testing/index.js'

if ((await availableDialects()).includes('postgres')) runDialectConformance('postgres')
else describe.skip('postgres dialect conformance (no server)', () => it('skipped', () => {}))
