import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IFormRendererRegistry } from '@jupyterlab/ui-components';
import { CREDENTIAL_FIELDS } from '../rules/fields';
import type { FieldProps } from '@rjsf/utils';
import * as React from 'react';
import { DOMAIN, PLUGIN_ID } from './ids';

/**
 * Masked inputs (with show/hide) for the secrets of the field table in the
 * Settings Editor.
 */
export const maskedFieldsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-qbraid-session:masked-fields',
  description: 'Masks the qBraid API key and tokens in the Settings Editor.',
  autoStart: true,
  requires: [IFormRendererRegistry],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    renderers: IFormRendererRegistry,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(DOMAIN);
    // The input's code is in the setup chunk, which the login panel loads
    // (with it) at restore; the Settings Editor waits for it when it first
    // shows a secret. Its own chunk would be a second copy of it.
    const Masked = React.lazy(() =>
      import(/* webpackChunkName: "setup" */ '../ui/maskedinput').then(
        ({ createMaskedField }) => ({
          default: createMaskedField(trans)
        })
      )
    );
    const fieldRenderer = (props: FieldProps) =>
      React.createElement(
        React.Suspense,
        { fallback: null },
        React.createElement(Masked, props)
      );
    for (const field of CREDENTIAL_FIELDS.filter(f => f.secret)) {
      renderers.addRenderer(`${PLUGIN_ID}.${field.setting}`, {
        fieldRenderer
      });
    }
  }
};
