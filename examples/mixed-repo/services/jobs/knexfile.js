// The jobs service keeps its knexfile and migrations exactly as knex wants them.
module.exports = {
  development: {
    client: 'better-sqlite3',
    connection: { filename: './jobs.db' },
    useNullAsDefault: true,
    migrations: { directory: './migrations' },
  },
}
