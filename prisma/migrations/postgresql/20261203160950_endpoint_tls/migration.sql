-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "tls" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tlsEncrypted" TEXT,
ADD COLUMN     "tlsInsecure" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tlsServername" TEXT;
