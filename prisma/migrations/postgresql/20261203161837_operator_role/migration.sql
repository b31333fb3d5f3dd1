-- AlterTable
ALTER TABLE "Operator" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'admin';
