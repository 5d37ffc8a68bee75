export { type ConformanceOptions, type ContractCheck, type KnownFailure, runConformance } from './conformance.js'
export { type TestDatabase, availableDialects, createTestDatabase, listTables, serverUrls } from './databases.js'
export { type DialectConformanceOptions, runDialectConformance } from './dialect-conformance.js'
