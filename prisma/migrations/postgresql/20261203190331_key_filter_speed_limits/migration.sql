-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "keyFilter" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "speedLimits" TEXT NOT NULL DEFAULT '{}';
