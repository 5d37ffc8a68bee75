// sequelize-cli's config; the service's database file comes from its .env, as in production.
module.exports = {
  development: { dialect: 'sqlite', storage: process.env.LEGACY_DATABASE_FILE, logging: false },
}
