/** @param { import("knex").Knex } knex */
exports.up = async function (knex) {
  await knex.schema.createTable('jobs', (t) => {
    t.increments('id').primary()
    t.string('kind').notNullable()
    t.json('payload')
    t.timestamp('run_at').notNullable()
  })
}

/** @param { import("knex").Knex } knex */
exports.down = async function (knex) {
  await knex.schema.dropTable('jobs')
}
