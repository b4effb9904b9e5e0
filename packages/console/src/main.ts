import type { AppListResponse, AppResponse, RecentUploadsResponse, WhoamiResponse } from '@hotpatch/core';
import { createApi, type Api } from './api';
import { h, show } from './dom';
import { renderReleasesPage } from './releasesPage';
import { clearSession, loadSession, may, saveSession, seesApp, type Session } from './session';
import { clearMessages, confirmDialog, field, reportError, withProgress, announce } from './ui';

/** Where the API lives: the console is served at `<endpoint>/console/`, so the endpoint is its parent path. */
const apiBase = location.pathname.replace(/\/console(\/.*)?$/, '');

const main = () => document.getElementById('main')!;

function header(session: Session | undefined): void {
  const who = document.getElementById('who')!;
  if (!session) return show(who);
  const apps = session.whoami.apps === '*' ? 'every app' : session.whoami.apps.join(', ');
  show(
    who,
    h('span', {}, `Key ${session.whoami.key} · role ${session.whoami.role} on ${apps}`),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
}

function signOut(): void {
  clearSession();
  location.hash = '#/';
  void route();
}

function renderSignIn(): void {
  header(undefined);
  const keyId = h('input', { name: 'keyId', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = h('input', { name: 'secret', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('p', {}, 'With a management key (HOTPATCH_APP_KEYS). The secret stays in this tab; every call is signed here.'),
    field('Key id', keyId),
    field('Secret', secret),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const credentials = { keyId: keyId.value.trim(), secret: secret.value };
    void withProgress('Signing in', () =>
      createApi(credentials, apiBase).call<WhoamiResponse>('GET', '/v1/manage/whoami'),
    ).then((whoami) => {
      if (!whoami) return secret.focus();
      saveSession({ credentials, whoami });
      void route();
    });
  });
  show(main(), form);
  keyId.focus();
}

async function renderApps(session: Session, api: Api): Promise<void> {
  const list = await withProgress('Loading apps', () => api.call<AppListResponse>('GET', '/v1/apps'));
  if (!list) return;
  const rows = list.apps.map((app) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: `#/apps/${encodeURIComponent(app.name)}` }, app.name)),
      h('td', {}, app.platforms.join(', ')),
      h('td', {}, app.channels.join(', ')),
    ),
  );
  const sections: Node[] = [
    h('h1', {}, 'Apps'),
    list.apps.length === 0
      ? h('p', {}, 'No app this key may see yet.')
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            {},
            h('caption', {}, 'Apps this key may see'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'App'),
                h('th', { scope: 'col' }, 'Platforms'),
                h('th', { scope: 'col' }, 'Channels'),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        ),
  ];
  if (may(session, 'createApp')) sections.push(createAppForm(api));
  show(main(), ...sections);
}

function createAppForm(api: Api): HTMLElement {
  const name = h('input', { name: 'name', required: true, pattern: '[a-z0-9][a-z0-9-]{0,62}', spellcheck: 'false' });
  const ios = h('input', { type: 'checkbox', name: 'platform', value: 'ios', checked: true });
  const android = h('input', { type: 'checkbox', name: 'platform', value: 'android', checked: true });
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'create-app-title' },
    h('h2', { id: 'create-app-title' }, 'Create an app'),
    field('App name', name, 'Lower-case letters, digits and "-".'),
    h('fieldset', {}, h('legend', {}, 'Platforms'), h('label', {}, ios, ' iOS'), h('label', {}, android, ' Android')),
    h('button', { type: 'submit', class: 'primary' }, 'Create app'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const platforms = [ios, android].filter((box) => box.checked).map((box) => box.value);
    void withProgress(`Creating ${name.value}`, () =>
      api.call<AppResponse>('POST', '/v1/apps', { body: { name: name.value.trim(), platforms } }),
    ).then((answer) => {
      if (answer) location.hash = `#/apps/${encodeURIComponent(answer.app.name)}`;
    });
  });
  return form;
}

async function renderApp(session: Session, api: Api, appName: string): Promise<void> {
  const answer = await withProgress(`Loading ${appName}`, () =>
    api.call<AppResponse>('GET', `/v1/apps/${encodeURIComponent(appName)}`),
  );
  if (!answer) return;
  const { app } = answer;
  const admin = may(session, 'removeChannel');
  const channelRows = Object.entries(app.channels).map(([channel, record]) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, channel),
      ...app.platforms.map((platform) => {
        const key = record.deploymentKeys[platform] ?? '';
        const input = h('input', {
          readonly: true,
          value: key,
          'aria-label': `Deployment key of ${channel} on ${platform}`,
          class: 'key',
        });
        return h(
          'td',
          {},
          h(
            'a',
            { href: `#/apps/${encodeURIComponent(app.name)}/${platform}/${encodeURIComponent(channel)}` },
            `${platform} releases`,
          ),
          h(
            'div',
            { class: 'copy' },
            input,
            h(
              'button',
              {
                type: 'button',
                'aria-label': `Copy the deployment key of ${channel} on ${platform}`,
                onclick: () => {
                  input.select();
                  void navigator.clipboard?.writeText(key).then(
                    () => announce(`Copied the ${channel} ${platform} deployment key.`),
                    () => announce('Selected: press Ctrl+C (⌘C) to copy.'),
                  );
                },
              },
              'Copy',
            ),
          ),
        );
      }),
      admin
        ? h(
            'td',
            {},
            h(
              'button',
              { type: 'button', class: 'danger', onclick: () => void removeChannel(api, app.name, channel) },
              `Remove ${channel}`,
            ),
          )
        : null,
    ),
  );
  const sections: Node[] = [
    h('nav', { 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Apps'), ' / ', app.name),
    h('h1', {}, app.name),
    h('p', {}, `Platforms: ${app.platforms.join(', ')}. Apps use a channel's deployment key to check for updates.`),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h('caption', {}, 'Channels and deployment keys'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Channel'),
            ...app.platforms.map((p) => h('th', { scope: 'col' }, p)),
            admin ? h('th', { scope: 'col' }, 'Remove') : null,
          ),
        ),
        h('tbody', {}, ...channelRows),
      ),
    ),
  ];
  if (may(session, 'addChannel')) sections.push(addChannelForm(api, app.name));
  const uploads = h(
    'section',
    { 'aria-labelledby': 'uploads-title' },
    h('h2', { id: 'uploads-title' }, 'Recent uploads'),
    h('p', {}, 'Loading…'),
  );
  sections.push(uploads);
  show(main(), ...sections);
  void renderRecentUploads(api, app.name, uploads);
}

async function renderRecentUploads(api: Api, app: string, section: HTMLElement): Promise<void> {
  try {
    const { uploads } = await api.call<RecentUploadsResponse>('GET', `/v1/apps/${encodeURIComponent(app)}/uploads`);
    const body =
      uploads.length === 0
        ? h('p', {}, 'No upload yet.')
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              {},
              h('caption', {}, 'The latest upload outcomes, newest first'),
              h('thead', {}, h('tr', {}, ...['When', 'Upload', 'Outcome'].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                {},
                ...uploads.map((upload) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, new Date(upload.at).toLocaleString()),
                    h('td', {}, upload.uploadKey),
                    h(
                      'td',
                      { class: upload.status },
                      upload.status === 'accepted'
                        ? `accepted: ${upload.release.platform} ${upload.release.channel} ${upload.release.label}`
                        : `rejected: ${upload.reasons.join('; ')}`,
                    ),
                  ),
                ),
              ),
            ),
          );
    show(section, section.firstChild, body);
  } catch (error) {
    show(
      section,
      section.firstChild,
      h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)),
    );
  }
}

function addChannelForm(api: Api, app: string): HTMLElement {
  const name = h('input', { name: 'channel', required: true, spellcheck: 'false' });
  const form = h(
    'form',
    { class: 'card inline', 'aria-labelledby': 'add-channel-title' },
    h('h2', { id: 'add-channel-title' }, 'Add a channel'),
    field('Channel name', name),
    h('button', { type: 'submit' }, 'Add channel'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void withProgress(`Adding ${name.value}`, () =>
      api.call('POST', `/v1/apps/${encodeURIComponent(app)}/channels`, { body: { name: name.value.trim() } }),
    ).then((answer) => answer && route());
  });
  return form;
}

async function removeChannel(api: Api, app: string, channel: string): Promise<void> {
  const confirmed = await confirmDialog({
    title: `Remove channel ${channel} of ${app}?`,
    explain: () =>
      `Devices using ${channel}'s deployment keys stop getting answers for it (404) within the catalog TTL; its releases stop being served. Its history and metrics stay in storage.`,
    confirmLabel: `Remove ${channel}`,
    danger: true,
  });
  if (!confirmed) return;
  const answer = await withProgress(`Removing ${channel}`, () =>
    api.call('DELETE', `/v1/apps/${encodeURIComponent(app)}/channels/${encodeURIComponent(channel)}`),
  );
  if (answer) {
    await route();
    announce(`Removed channel ${channel}.`);
  }
}

/** `#/`, `#/apps/<app>`, `#/apps/<app>/<platform>/<channel>`. */
async function route(): Promise<void> {
  clearMessages();
  const session = loadSession();
  if (!session) return renderSignIn();
  header(session);
  const api = createApi(session.credentials, apiBase);
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'apps' && parts[1]) {
    if (!seesApp(session, parts[1])) {
      show(main(), h('h1', {}, parts[1]));
      return reportError(
        new Error(
          `Key ${session.whoami.key} has no access to app ${parts[1]}: its apps are ${(session.whoami.apps as string[]).join(', ')}.`,
        ),
      );
    }
    if (parts[2] && parts[3])
      return renderReleasesPage({ session, api, app: parts[1], platform: parts[2], channel: parts[3] });
    return renderApp(session, api, parts[1]);
  }
  return renderApps(session, api);
}

window.addEventListener('hashchange', () => void route());
window.addEventListener('error', (event) => reportError(event.error));
void route().then(() => main().focus({ preventScroll: true }));
