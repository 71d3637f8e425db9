import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorMessage } from '../api/http.ts';

interface ErrorBoundaryState {
  error: unknown;
}

/** Shows a readable message in place of a blank page when rendering throws. */
export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Session Tracker stopped rendering', error, info.componentStack);
  }

  override render() {
    if (this.state.error === null) return this.props.children;

    return (
      <main className="fatal" role="alert">
        <h1>Session Tracker stopped working</h1>
        <p>{errorMessage(this.state.error)}</p>
        <p>Reload the page to start again. Your sessions are not affected.</p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}
