-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN "horizon" BIGINT;
