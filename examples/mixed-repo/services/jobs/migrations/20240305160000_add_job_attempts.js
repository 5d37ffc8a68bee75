/** @param { import("knex").Knex } knex */
exports.up = async function (knex) {
  await knex.schema.alterTable('jobs', (t) => {
    t.integer('attempts').notNullable().defaultTo(0)
  })
}

/** @param { import("knex").Knex } knex */
exports.down = async function (knex) {
  await knex.schema.alterTable('jobs', (t) => {
    t.dropColumn('attempts')
  })
}
