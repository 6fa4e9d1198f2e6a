import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useNonce } from "./components/nonce";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = () => [{ title: "Unconf" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** 404 and 403 pages that say what to do next; anything else is a plain apology. */
export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message: ReactNode = "The server could not show this page. Reload to try again.";
  if (isRouteErrorResponse(error)) {
    // Remix's own messages (no route matched) are not for people: only ours are shown.
    const ours = typeof error.data === "string" && error.data && !(error as { internal?: boolean }).internal;
    if (error.status === 404) {
      title = "Not found";
      message = ours ? error.data : "There is nothing at this address.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = typeof error.data === "string" && error.data ? error.data : "You may not see this page.";
    } else {
      title = `${error.status} ${error.statusText}`;
      if (typeof error.data === "string" && error.data) message = error.data;
    }
  }
  return (
    <main id="main" className="page narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Go to the start page</Link> to create an event or open one by its link.
      </p>
    </main>
  );
}
