import { NotFoundMessage } from "@/components/shell/not-found-message";

/** An address outside the console: the message is the page's main content. */
export default function NotFound() {
  return (
    <main>
      <NotFoundMessage />
    </main>
  );
}
