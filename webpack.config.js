// Merged by build-labextension into JupyterLab's extension build.
//
// The transport is used both by the setup chunk (the connection router) and
// by the request machinery's chunk: webpack copies a module this small into
// every async chunk that uses it, so it gets a chunk of its own, loaded once.
module.exports = {
  optimization: {
    splitChunks: {
      cacheGroups: {
        transport: {
          test: /[\\/]lib[\\/]transport[\\/]transport\.js$/,
          name: 'transport',
          chunks: 'async',
          enforce: true
        }
      }
    }
  }
};
