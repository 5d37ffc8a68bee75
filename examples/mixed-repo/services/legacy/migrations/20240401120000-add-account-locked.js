'use strict'

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('accounts', 'locked', { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false })
  },

  async down(queryInterface) {
    await queryInterface.removeColumn('accounts', 'locked')
  },
}
