DROP TABLE "Review";
