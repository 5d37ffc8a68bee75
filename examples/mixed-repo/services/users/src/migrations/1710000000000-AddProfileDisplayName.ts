import { MigrationInterface, QueryRunner } from 'typeorm'

export class AddProfileDisplayName1710000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "profile" ADD COLUMN "displayName" varchar')
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "profile" DROP COLUMN "displayName"')
  }
}
