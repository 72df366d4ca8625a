import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

// Baseline: React and react-dom alone, what any React host page already loads.
const root = document.getElementById('root');
if (root) createRoot(root).render(createElement('p', null, 'Hello'));
