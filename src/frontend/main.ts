// The web app's entry: mounts the shell and starts the session (config, login state, token).
import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';
import { startSession } from './lib/services/session';

const target = document.getElementById('app')!;
target.textContent = '';
mount(App, { target });
void startSession(import.meta.env as unknown as Record<string, unknown>);
