/** The header: the product's name and the playground-wide controls. */
export function Header() {
  return (
    <header className="app-header" role="banner">
      <h1>k8s-playground</h1>
    </header>
  );
}
