'use strict'

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('accounts', 'locked', { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false })
  },

  async down(queryInterface) {
    // On SQLite removeColumn rebuilds the table and loses AUTOINCREMENT on its key (\`mig verify\` shows it);
    // SQLite 3.35+ drops the column in place instead.
    if (queryInterface.sequelize.getDialect() === 'sqlite') await queryInterface.sequelize.query('ALTER TABLE accounts DROP COLUMN locked')
    else await queryInterface.removeColumn('accounts', 'locked')
  },
}
