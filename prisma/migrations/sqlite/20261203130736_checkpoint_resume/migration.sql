-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN "resume" TEXT;
