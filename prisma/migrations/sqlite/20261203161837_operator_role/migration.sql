-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Operator" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'admin',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastSignInAt" DATETIME
);
INSERT INTO "new_Operator" ("createdAt", "id", "lastSignInAt", "passwordHash", "updatedAt", "username") SELECT "createdAt", "id", "lastSignInAt", "passwordHash", "updatedAt", "username" FROM "Operator";
DROP TABLE "Operator";
ALTER TABLE "new_Operator" RENAME TO "Operator";
CREATE UNIQUE INDEX "Operator_username_key" ON "Operator"("username");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
