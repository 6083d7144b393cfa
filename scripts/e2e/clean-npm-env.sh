# Sourced by install.sh: removes the environment an outer npm exports to its scripts.
#
# Run from `npm test`, the e2e installer inherits the outer npm's environment: npm_config_user_agent
# ("npm/... node/v20...", which code-server's postinstall reads as the Node version and then refuses),
# npm_config_nodedir/node_gyp/prefix/allow_scripts, npm_package_*, npm_lifecycle_*, npm_execpath,
# npm_node_execpath, INIT_CWD and NODE. The nested installs run their own npm on Node 24 and must see
# none of it; only the settings that say how to reach the registry (registry, proxy, TLS, auth, cache,
# config files) are kept.
for _var in $(compgen -e); do
  case "${_var,,}" in
    npm_config_registry|npm_config_proxy|npm_config_https_proxy|npm_config_noproxy|npm_config_cafile|npm_config_ca \
      |npm_config_cert|npm_config_key|npm_config_strict_ssl|npm_config_cache|npm_config_userconfig|npm_config_globalconfig \
      |npm_config__auth*|npm_config_*authtoken|npm_config_fetch_*|npm_config_maxsockets|npm_config_offline|npm_config_prefer_offline) ;;
    npm_*|init_cwd|node) unset "$_var" ;;
  esac
done
unset _var
