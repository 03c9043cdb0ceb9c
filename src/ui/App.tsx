import { lazy, Suspense } from 'react';

/**
 * The page. Its first JavaScript is only React and this frame; the playground itself — the engine,
 * the panes — is a chunk of its own (Workbench.tsx), and Monaco, React Flow and xterm are further
 * chunks the panes load when they mount. So the page paints its frame at once and the cluster
 * appears as soon as the engine has loaded.
 */
const Workbench = lazy(() => import('./Workbench'));

function Loading() {
  return (
    <div className="app">
      <header className="app-header app-header-loading">
        <h1>
          <span aria-hidden="true" className="logo">
            ⎈
          </span>{' '}
          k8s-playground
        </h1>
      </header>
      <main className="app-loading" aria-busy="true">
        <p>Starting the cluster…</p>
      </main>
    </div>
  );
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Workbench />
    </Suspense>
  );
}
