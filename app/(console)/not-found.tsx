import { NotFoundMessage } from "@/components/shell/not-found-message";

/** A missing task: the console layout already holds the page's one <main>. */
export default function ConsoleNotFound() {
  return <NotFoundMessage />;
}
