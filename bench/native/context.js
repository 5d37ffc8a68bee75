// The context bench/vs-native.js hands each tool module in bench/native/.
/**
 * @typedef {object} Context
 * @property {number} N migrations per generated history
 * @property {ReturnType<typeof import('../lib.js').workspace>} b the workspace: b.mig(dir, ...args), b.node(dir, script, ...args), b.run(cwd, cmd, args)
 * @property {(cmd: string, args: string[], options?: object) => void} sh run a command, throw on a non-zero exit
 * @property {(sql: string, db?: string) => void} psql run SQL on the PostgreSQL server
 * @property {(i: number) => string[]} ddl the two statements of migration i
 * @property {(i: number) => string} id migration i's id (timestamp_name)
 * @property {string} pgServer the PostgreSQL server URL without a database
 */
export {}
