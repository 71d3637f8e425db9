import { Link } from './Link.tsx';

export function NotFound({ path }: { path: string }) {
  return (
    <section className="panel state">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Go to your sessions</Link>.
      </p>
    </section>
  );
}
