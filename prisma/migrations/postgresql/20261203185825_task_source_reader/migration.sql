-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "sourceReader" TEXT NOT NULL DEFAULT 'psync';
