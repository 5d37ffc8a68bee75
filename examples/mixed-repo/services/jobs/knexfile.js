// The jobs service keeps its knexfile and migrations exactly as knex wants them;
// its database comes from the service's .env (JOBS_DATABASE_FILE), as in production.
module.exports = {
  development: {
    client: 'better-sqlite3',
    connection: { filename: process.env.JOBS_DATABASE_FILE },
    useNullAsDefault: true,
    migrations: { directory: './migrations' },
  },
}
