-- AlterTable (an added column: a table rebuild here would drop the columns other migrations of the same day add)
ALTER TABLE "Task" ADD COLUMN "sourceReader" TEXT NOT NULL DEFAULT 'psync';
