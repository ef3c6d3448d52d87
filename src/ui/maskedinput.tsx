import type { TranslationBundle } from '@jupyterlab/translation';
import type { FieldProps } from '@rjsf/utils';
import * as React from 'react';

/** Props of a masked input. */
export interface IMaskedInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  trans: TranslationBundle;
  /** The accessible name of the input when no `<label>` points at it. */
  label?: string;
  disabled?: boolean;
  required?: boolean;
  onBlur?: (value: string) => void;
  onFocus?: (value: string) => void;
  /** Extra classes of the input (the Settings Editor's `form-control`). */
  className?: string;
}

/**
 * An input for a secret: masked, with a show/hide toggle. The value is never
 * written into the page other than in the input itself.
 */
export function MaskedInput(props: IMaskedInputProps): JSX.Element {
  const [shown, setShown] = React.useState(false);
  const { id, trans } = props;
  return (
    <div className="jp-qbraid-MaskedInput">
      <input
        id={id}
        name={id}
        className={`${props.className ?? 'jp-mod-styled'} jp-qbraid-MaskedInput-input`}
        type={shown ? 'text' : 'password'}
        value={props.value}
        autoComplete="off"
        spellCheck={false}
        required={props.required}
        disabled={props.disabled}
        aria-label={props.label}
        onChange={event => props.onChange(event.target.value)}
        onBlur={event => props.onBlur?.(event.target.value)}
        onFocus={event => props.onFocus?.(event.target.value)}
      />
      <button
        type="button"
        className="jp-mod-styled jp-qbraid-MaskedInput-toggle"
        aria-pressed={shown}
        aria-controls={id}
        title={shown ? trans.__('Hide the value') : trans.__('Show the value')}
        onClick={() => setShown(!shown)}
      >
        {shown ? trans.__('Hide') : trans.__('Show')}
      </button>
    </div>
  );
}

/**
 * A Settings Editor field for a secret (the Settings Editor uses field
 * renderers, `ui:field`, for custom inputs).
 */
export function createMaskedField(
  trans: TranslationBundle
): (props: FieldProps) => JSX.Element {
  return function MaskedField(props: FieldProps): JSX.Element {
    const id = props.idSchema.$id;
    return (
      <MaskedInput
        id={id}
        value={typeof props.formData === 'string' ? props.formData : ''}
        onChange={props.onChange}
        trans={trans}
        className="form-control"
        label={props.schema.title ?? props.name}
        disabled={props.disabled || props.readonly}
        onBlur={value => props.onBlur?.(id, value)}
        onFocus={value => props.onFocus?.(id, value)}
      />
    );
  };
}
