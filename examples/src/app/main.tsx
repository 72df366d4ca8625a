import '@openmeet/react-ui/styles.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { resumeChatSession } from './chatSession.js';
import { loadRuntimeConfig } from './runtimeConfig.js';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
const config = await loadRuntimeConfig();
createRoot(root).render(
  <StrictMode>
    <App config={config} initialSession={resumeChatSession(config)} />
  </StrictMode>,
);
