-- AlterTable (two added columns with constant defaults: SQLite adds them in place, no table rebuild)
ALTER TABLE "Task" ADD COLUMN "keyFilter" TEXT NOT NULL DEFAULT '{}';
ALTER TABLE "Task" ADD COLUMN "speedLimits" TEXT NOT NULL DEFAULT '{}';
