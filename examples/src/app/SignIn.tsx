import { displayNameOf } from './devSignIn.js';
import { useDocumentTitle } from './useDocumentTitle.js';

export interface SignInProps {
  users: readonly string[];
  onSignIn: (user: string) => void;
}

/** Stands in for the host app's login: the broker's dev identity mode signs tokens for demo users. */
export function SignIn({ users, onSignIn }: SignInProps) {
  useDocumentTitle('Sign in');
  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">OpenMeet Chat example</h1>
      <p>
        Sign in as one of the demo users. Open a second browser window (a private one has its own storage) and
        sign in as someone else to chat between them.
      </p>
      <ul className="sign-in__users">
        {users.map((user) => (
          <li key={user}>
            <button type="button" className="om-button om-button--primary" onClick={() => onSignIn(user)}>
              Sign in as {displayNameOf(user)}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
