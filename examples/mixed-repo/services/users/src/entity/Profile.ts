import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm'

@Entity()
export class Profile {
  @PrimaryGeneratedColumn() id: number
  @Column() email: string
  @Column({ nullable: true }) displayName: string
}
