/** The few members of markdown-it (the renderer VS Code's Markdown preview uses) the tests call. */
declare module 'markdown-it' {
  interface Options {
    readonly html?: boolean;
    readonly linkify?: boolean;
  }
  class MarkdownIt {
    constructor(options?: Options);
    render(source: string): string;
  }
  export = MarkdownIt;
}
