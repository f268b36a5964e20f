// @ts-nocheck
// GENERATED from schema/usher.schema.json by generate-validator.ts: do not edit.
"use strict";
export const validate = validate10;
export default validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","title":"usher.yaml","description":"usher supervisor mode: the services to run in one container, started in dependency order and stopped in reverse order inside the grace period. Reference: docs/supervisor-config.md. Durations are 10s, 500ms, 1m, 1h or a number of seconds, at most 576h (24 days). ${VAR} and ${VAR:-default} are expanded from usher's environment in command, env values, cwd and probes; $$ is a literal $.","type":"object","errorMessage":"a map with 'services' (and optionally 'grace', 'health', 'env', 'include')","required":["services"],"additionalProperties":false,"patternProperties":{"^x-":{"description":"Extension field, ignored by usher (for YAML anchors shared by services, as in compose files)."}},"properties":{"grace":{"$ref":"#/definitions/duration","description":"The whole shutdown budget: on SIGTERM every service is stopped (reverse dependency order) within this time, then whatever is left is killed. Keep it below the platform's deadline (Kubernetes: terminationGracePeriodSeconds, 30 s by default; docker stop: 10 s).","default":"25s"},"health":{"type":"object","description":"An HTTP server for the platform's probes and monitoring: GET /live (200 while usher is not shutting down), GET /ready (200 when every service with a `ready` probe is ready) and GET /metrics (Prometheus text format).","errorMessage":"a map with 'port' (and optionally 'host')","required":["port"],"additionalProperties":false,"properties":{"port":{"type":"integer","minimum":1,"maximum":65535,"description":"TCP port of the health server.","errorMessage":"a port number from 1 to 65535","examples":[9000]},"host":{"type":"string","minLength":1,"description":"Address the health server listens on. The default :: is every address, IPv6 and IPv4 (0.0.0.0 on a kernel without IPv6): a kubelet probes the pod's IP, so 127.0.0.1 would fail its probes.","errorMessage":"an IP address or host name, such as ::, 0.0.0.0 or 127.0.0.1","default":"::"}},"examples":[{"port":9000}]},"env":{"description":"Variables for every service (process-compose's global environment), added to usher's environment: a map or a list of KEY=VALUE, as a service's env;  expanded. A service's own env_file and env win over them.","errorMessage":"a map of variable names to values, or a list of KEY=VALUE strings","anyOf":[{"type":"object","propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$","errorMessage":"a variable name: letters, digits and '_', not starting with a digit"},"additionalProperties":{"type":["string","number","boolean"],"errorMessage":"a string, a number or a boolean"}},{"type":"array","items":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*=","errorMessage":"a KEY=VALUE string"}}],"examples":[{"TZ":"UTC"}]},"services":{"type":"object","description":"The services, by name. Started in dependency order (independent ones in parallel); log lines are prefixed with the name.","errorMessage":"a map of service names to services","minProperties":1,"propertyNames":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]*$","maxLength":63,"not":{"const":"usher"},"errorMessage":"a service name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters, not 'usher'"},"additionalProperties":{"$ref":"#/definitions/service"}},"include":{"description":"Other usher.yaml files read before this one, which overrides them key by key (services merged by name), as supervisord's [include] and docker compose -f a -f b: a path or a list, relative to this file; * and ? in a file name take every match in name order (conf.d/*.yaml), none being no error. A relative cwd or env_file in an included file starts from that file's directory.","errorMessage":"a file path or a list of file paths (relative to this file)","anyOf":[{"type":"string","minLength":1},{"type":"array","items":{"type":"string","minLength":1,"errorMessage":"a file path"}}],"examples":[["conf.d/*.yaml"]]}},"definitions":{"duration":{"title":"duration","description":"A duration: 10s, 500ms, 1m, 1h, 1m30s, or a number of seconds; at most 576h (24 days).","errorMessage":"a duration such as 10s, 500ms, 1m or a number of seconds","anyOf":[{"type":"number","minimum":0},{"type":"string","pattern":"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"}],"examples":["10s","500ms","1m",5]},"command":{"description":"A list of strings is run as is (argv, no shell); a string runs through /bin/sh -c, as `exec COMMAND` when it is one simple command (no ; && || | & redirections, subshells or several lines), so the program is the service's process.","errorMessage":"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","errorMessage":"a string (one argument)"}}],"examples":[["node","server.js"],"npm run migrate"]},"service":{"type":"object","description":"One service.","errorMessage":"a map with 'command' and the service's other keys","required":["command"],"additionalProperties":false,"properties":{"command":{"$ref":"#/definitions/command","errorMessage":"the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)"},"cwd":{"type":"string","minLength":1,"description":"Working directory of the service; relative paths are relative to this file's directory. Default: usher's own working directory.","errorMessage":"a directory path","examples":["/app"]},"env":{"description":"Variables added to usher's environment for this service (after env_file, so they win). A map, or a list of KEY=VALUE strings.","errorMessage":"a map of variable names to values, or a list of KEY=VALUE strings","anyOf":[{"type":"object","propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$","errorMessage":"a variable name: letters, digits and '_', not starting with a digit"},"additionalProperties":{"type":["string","number","boolean"],"errorMessage":"a string, a number or a boolean"}},{"type":"array","items":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*=","errorMessage":"a KEY=VALUE string"}}],"examples":[{"PORT":"8080"}]},"env_file":{"description":"File(s) of KEY=VALUE lines (# comments, blank lines, optional `export`, quotes), read when usher starts; relative to this file's directory. Values are not expanded.","errorMessage":"a file path or a list of file paths","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","minLength":1,"errorMessage":"a file path"}}],"examples":[".env"]},"user":{"description":"Run as this user: a name from the image's /etc/passwd, a uid, or user:group (names or ids); ${VAR} expanded. Its groups from /etc/group are set too. Needs usher to run as root.","errorMessage":"a user name or uid, optionally followed by :group (name or gid)","anyOf":[{"type":"string","pattern":"^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$"},{"type":"integer","minimum":0}],"examples":["node","1000:1000"]},"depends_on":{"description":"Services that must be started first: a list of names (each must be started), or a map of name to condition: started, ready (its ready probe passed) or completed (it exited 0).","errorMessage":"a list of service names, or a map of service name to started, ready or completed","anyOf":[{"type":"array","uniqueItems":true,"items":{"type":"string","errorMessage":"a service name"}},{"type":"object","additionalProperties":{"enum":["started","ready","completed"],"errorMessage":"started, ready or completed"}}],"examples":[["db"],{"db":"ready","migrate":"completed"}]},"ready":{"description":"When the service counts as ready: notify (it sends READY=1 to the socket named in its NOTIFY_SOCKET, as under systemd's Type=notify), or a probe map.","if":{"type":"string"},"then":{"const":"notify","errorMessage":"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)"},"else":{"$ref":"#/definitions/readyProbe"},"examples":["notify",{"tcp":6379}]},"live":{"$ref":"#/definitions/liveProbe"},"restart":{"description":"When the service is started again after it ends: no, on-failure (exited non-zero or killed by a signal), always.","errorMessage":"no, on-failure or always","enum":["no","on-failure","always"],"default":"no"},"max_restarts":{"type":"integer","minimum":0,"description":"Restarts allowed in a row before the service is failed for good (and the container stops if it is critical); an instance that runs stable_after resets the count, as supervisord's startretries counts only starts that failed within startsecs. Default: no limit.","errorMessage":"a whole number, 0 or more","examples":[5]},"stable_after":{"$ref":"#/definitions/duration","description":"An instance that runs this long counts as a stable start: the max_restarts count and the back-off start over (supervisord's startsecs, for startretries).","default":"10s"},"backoff":{"type":"object","description":"Delay before a restart: starts at initial, doubles at each restart up to max; back to initial after the service ran stably for a while.","errorMessage":"a map with 'initial' and 'max' durations","additionalProperties":false,"properties":{"initial":{"$ref":"#/definitions/duration","description":"The first delay.","default":"1s"},"max":{"$ref":"#/definitions/duration","description":"The longest delay.","default":"30s"}},"examples":[{"initial":"1s","max":"30s"}]},"stop_signal":{"description":"Signal sent to stop the service: to its whole process group, or to its main process first with signal_group: false. A name (SIGTERM, TERM) or a number.","errorMessage":"a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31","anyOf":[{"type":"string","minLength":1},{"type":"integer","minimum":1,"maximum":31}],"default":"SIGTERM","examples":["SIGTERM","SIGINT","SIGQUIT"]},"stop_timeout":{"$ref":"#/definitions/duration","description":"Time between the stop signal and SIGKILL (cut to what is left of grace during a shutdown).","default":"10s"},"signal_group":{"type":"boolean","description":"true: the stop signal, signals usher passes on (HUP, USR1...) and `usher signal` go to the service's whole process group, as with stopasgroup. false: to its main process only (what supervisorctl signal does, and what a master process such as php-fpm or nginx expects: it tells its workers itself); once the main process has exited, what is left of its group gets the stop signal.","errorMessage":"true or false","default":true},"critical":{"type":"boolean","description":"When the service fails for good (exits with no restart left, or a dependency fails), the whole container stops.","errorMessage":"true or false","default":false},"disabled":{"type":"boolean","description":"Not started with the others: only by `usher start NAME` (supervisord's autostart=false, process-compose's disabled). Services that depend on it wait until it is started.","errorMessage":"true or false","default":false},"replicas":{"type":"integer","minimum":1,"maximum":100,"description":"Run this many copies, named NAME-0, NAME-1... (one copy keeps the name): each gets USHER_REPLICA=0, 1... in its environment and in ${USHER_REPLICA} of its values (a port: \"80${USHER_REPLICA}\"). A depends_on on NAME waits for every copy. supervisord's numprocs, process-compose's replicas.","errorMessage":"a whole number from 1 to 100","default":1,"examples":[2]}}},"readyProbe":{"type":"object","title":"ready probe","description":"When the service counts as ready (gates dependants with `depends_on: {NAME: ready}` and /ready): exactly one of tcp, http, exec, log, delay, notify; plus interval and timeout.","errorMessage":"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)","additionalProperties":false,"oneOf":[{"required":["tcp"]},{"required":["http"]},{"required":["exec"]},{"required":["log"]},{"required":["delay"]},{"required":["notify"]}],"properties":{"tcp":{"$ref":"#/definitions/probeTcp"},"http":{"$ref":"#/definitions/probeHttp"},"exec":{"$ref":"#/definitions/probeExec"},"log":{"$ref":"#/definitions/probeLog"},"delay":{"$ref":"#/definitions/duration","description":"The service counts as ready when it is still running this long after it started."},"notify":{"const":true,"description":"The service counts as ready when it sends READY=1 to the socket named in its NOTIFY_SOCKET (sd_notify(3), systemd-notify --ready, usher-init/shutdown). `ready: notify` is short for `ready: { notify: true }`.","errorMessage":"true"},"interval":{"$ref":"#/definitions/duration","description":"Between two attempts.","default":"500ms"},"timeout":{"$ref":"#/definitions/duration","description":"Not ready this long after it started: the service failed.","default":"60s"}},"examples":[{"tcp":6379},{"http":"http://127.0.0.1:8080/ready","interval":"500ms","timeout":"60s"}]},"liveProbe":{"type":"object","title":"live probe","description":"Checked while the service runs: after `failures` failed attempts in a row the service is restarted per its restart policy. Exactly one of tcp, http, exec, log, delay, watchdog; plus interval, timeout, failures (not with watchdog).","errorMessage":"a map with exactly one of tcp, http, exec, log, delay or watchdog (and optionally interval, timeout, failures)","additionalProperties":false,"oneOf":[{"required":["tcp"]},{"required":["http"]},{"required":["exec"]},{"required":["log"]},{"required":["delay"]},{"required":["watchdog"]}],"properties":{"tcp":{"$ref":"#/definitions/probeTcp"},"http":{"$ref":"#/definitions/probeHttp"},"exec":{"$ref":"#/definitions/probeExec"},"log":{"$ref":"#/definitions/probeLog"},"delay":{"$ref":"#/definitions/duration","description":"Passes once the service has run this long."},"watchdog":{"$ref":"#/definitions/duration","description":"The service must send WATCHDOG=1 to the socket named in its NOTIFY_SOCKET at least this often once it is ready (systemd's WatchdogSec=; WATCHDOG_USEC is set for it); silent longer, it counts as dead."},"interval":{"$ref":"#/definitions/duration","description":"Between two attempts.","default":"5s"},"timeout":{"$ref":"#/definitions/duration","description":"Bound of one attempt.","default":"2s"},"failures":{"type":"integer","minimum":1,"description":"Failed attempts in a row that count as dead.","errorMessage":"a whole number, 1 or more","default":3}},"examples":[{"http":"http://127.0.0.1:8080/live","interval":"5s","failures":3},{"watchdog":"10s"}]},"probeTcp":{"description":"A TCP connection succeeds: a port (on 127.0.0.1) or \"host:port\".","errorMessage":"a port number or \"host:port\"","anyOf":[{"type":"integer","minimum":1,"maximum":65535},{"type":"string","minLength":1}],"examples":[6379,"127.0.0.1:5432"]},"probeHttp":{"type":"string","minLength":1,"description":"GET this URL answers 2xx or 3xx.","errorMessage":"an http:// or https:// URL","examples":["http://127.0.0.1:8080/ready"]},"probeExec":{"description":"This command exits 0 (a string runs through /bin/sh -c).","errorMessage":"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","errorMessage":"a string (one argument)"}}],"examples":[["pg_isready","-h","127.0.0.1"]]},"probeLog":{"type":"string","minLength":1,"description":"A line of the service's stdout or stderr matches this regular expression (RE2 syntax: JavaScript's without lookaround and backreferences; (?i) for any case). The first 4 KiB of each line are matched; a ready probe stops matching once the service is ready.","errorMessage":"a regular expression","examples":["listening on port \\d+"]}}};
const schema12 = {"title":"duration","description":"A duration: 10s, 500ms, 1m, 1h, 1m30s, or a number of seconds; at most 576h (24 days).","errorMessage":"a duration such as 10s, 500ms, 1m or a number of seconds","anyOf":[{"type":"number","minimum":0},{"type":"string","pattern":"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"}],"examples":["10s","500ms","1m",5]};
const pattern0 = new RegExp("^x-", "u");
const pattern1 = new RegExp("^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$", "u");
const pattern2 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");
const pattern3 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*=", "u");
const pattern4 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]*$", "u");
const schema13 = {"type":"object","description":"One service.","errorMessage":"a map with 'command' and the service's other keys","required":["command"],"additionalProperties":false,"properties":{"command":{"$ref":"#/definitions/command","errorMessage":"the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)"},"cwd":{"type":"string","minLength":1,"description":"Working directory of the service; relative paths are relative to this file's directory. Default: usher's own working directory.","errorMessage":"a directory path","examples":["/app"]},"env":{"description":"Variables added to usher's environment for this service (after env_file, so they win). A map, or a list of KEY=VALUE strings.","errorMessage":"a map of variable names to values, or a list of KEY=VALUE strings","anyOf":[{"type":"object","propertyNames":{"pattern":"^[A-Za-z_][A-Za-z0-9_]*$","errorMessage":"a variable name: letters, digits and '_', not starting with a digit"},"additionalProperties":{"type":["string","number","boolean"],"errorMessage":"a string, a number or a boolean"}},{"type":"array","items":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*=","errorMessage":"a KEY=VALUE string"}}],"examples":[{"PORT":"8080"}]},"env_file":{"description":"File(s) of KEY=VALUE lines (# comments, blank lines, optional `export`, quotes), read when usher starts; relative to this file's directory. Values are not expanded.","errorMessage":"a file path or a list of file paths","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","minLength":1,"errorMessage":"a file path"}}],"examples":[".env"]},"user":{"description":"Run as this user: a name from the image's /etc/passwd, a uid, or user:group (names or ids); ${VAR} expanded. Its groups from /etc/group are set too. Needs usher to run as root.","errorMessage":"a user name or uid, optionally followed by :group (name or gid)","anyOf":[{"type":"string","pattern":"^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$"},{"type":"integer","minimum":0}],"examples":["node","1000:1000"]},"depends_on":{"description":"Services that must be started first: a list of names (each must be started), or a map of name to condition: started, ready (its ready probe passed) or completed (it exited 0).","errorMessage":"a list of service names, or a map of service name to started, ready or completed","anyOf":[{"type":"array","uniqueItems":true,"items":{"type":"string","errorMessage":"a service name"}},{"type":"object","additionalProperties":{"enum":["started","ready","completed"],"errorMessage":"started, ready or completed"}}],"examples":[["db"],{"db":"ready","migrate":"completed"}]},"ready":{"description":"When the service counts as ready: notify (it sends READY=1 to the socket named in its NOTIFY_SOCKET, as under systemd's Type=notify), or a probe map.","if":{"type":"string"},"then":{"const":"notify","errorMessage":"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)"},"else":{"$ref":"#/definitions/readyProbe"},"examples":["notify",{"tcp":6379}]},"live":{"$ref":"#/definitions/liveProbe"},"restart":{"description":"When the service is started again after it ends: no, on-failure (exited non-zero or killed by a signal), always.","errorMessage":"no, on-failure or always","enum":["no","on-failure","always"],"default":"no"},"max_restarts":{"type":"integer","minimum":0,"description":"Restarts allowed in a row before the service is failed for good (and the container stops if it is critical); an instance that runs stable_after resets the count, as supervisord's startretries counts only starts that failed within startsecs. Default: no limit.","errorMessage":"a whole number, 0 or more","examples":[5]},"stable_after":{"$ref":"#/definitions/duration","description":"An instance that runs this long counts as a stable start: the max_restarts count and the back-off start over (supervisord's startsecs, for startretries).","default":"10s"},"backoff":{"type":"object","description":"Delay before a restart: starts at initial, doubles at each restart up to max; back to initial after the service ran stably for a while.","errorMessage":"a map with 'initial' and 'max' durations","additionalProperties":false,"properties":{"initial":{"$ref":"#/definitions/duration","description":"The first delay.","default":"1s"},"max":{"$ref":"#/definitions/duration","description":"The longest delay.","default":"30s"}},"examples":[{"initial":"1s","max":"30s"}]},"stop_signal":{"description":"Signal sent to stop the service: to its whole process group, or to its main process first with signal_group: false. A name (SIGTERM, TERM) or a number.","errorMessage":"a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31","anyOf":[{"type":"string","minLength":1},{"type":"integer","minimum":1,"maximum":31}],"default":"SIGTERM","examples":["SIGTERM","SIGINT","SIGQUIT"]},"stop_timeout":{"$ref":"#/definitions/duration","description":"Time between the stop signal and SIGKILL (cut to what is left of grace during a shutdown).","default":"10s"},"signal_group":{"type":"boolean","description":"true: the stop signal, signals usher passes on (HUP, USR1...) and `usher signal` go to the service's whole process group, as with stopasgroup. false: to its main process only (what supervisorctl signal does, and what a master process such as php-fpm or nginx expects: it tells its workers itself); once the main process has exited, what is left of its group gets the stop signal.","errorMessage":"true or false","default":true},"critical":{"type":"boolean","description":"When the service fails for good (exits with no restart left, or a dependency fails), the whole container stops.","errorMessage":"true or false","default":false},"disabled":{"type":"boolean","description":"Not started with the others: only by `usher start NAME` (supervisord's autostart=false, process-compose's disabled). Services that depend on it wait until it is started.","errorMessage":"true or false","default":false},"replicas":{"type":"integer","minimum":1,"maximum":100,"description":"Run this many copies, named NAME-0, NAME-1... (one copy keeps the name): each gets USHER_REPLICA=0, 1... in its environment and in ${USHER_REPLICA} of its values (a port: \"80${USHER_REPLICA}\"). A depends_on on NAME waits for every copy. supervisord's numprocs, process-compose's replicas.","errorMessage":"a whole number from 1 to 100","default":1,"examples":[2]}}};
const schema14 = {"description":"A list of strings is run as is (argv, no shell); a string runs through /bin/sh -c, as `exec COMMAND` when it is one simple command (no ; && || | & redirections, subshells or several lines), so the program is the service's process.","errorMessage":"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","errorMessage":"a string (one argument)"}}],"examples":[["node","server.js"],"npm run migrate"]};
const func2 = Object.prototype.hasOwnProperty;
const pattern7 = new RegExp("^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$", "u");
const schema15 = {"type":"object","title":"ready probe","description":"When the service counts as ready (gates dependants with `depends_on: {NAME: ready}` and /ready): exactly one of tcp, http, exec, log, delay, notify; plus interval and timeout.","errorMessage":"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)","additionalProperties":false,"oneOf":[{"required":["tcp"]},{"required":["http"]},{"required":["exec"]},{"required":["log"]},{"required":["delay"]},{"required":["notify"]}],"properties":{"tcp":{"$ref":"#/definitions/probeTcp"},"http":{"$ref":"#/definitions/probeHttp"},"exec":{"$ref":"#/definitions/probeExec"},"log":{"$ref":"#/definitions/probeLog"},"delay":{"$ref":"#/definitions/duration","description":"The service counts as ready when it is still running this long after it started."},"notify":{"const":true,"description":"The service counts as ready when it sends READY=1 to the socket named in its NOTIFY_SOCKET (sd_notify(3), systemd-notify --ready, usher-init/shutdown). `ready: notify` is short for `ready: { notify: true }`.","errorMessage":"true"},"interval":{"$ref":"#/definitions/duration","description":"Between two attempts.","default":"500ms"},"timeout":{"$ref":"#/definitions/duration","description":"Not ready this long after it started: the service failed.","default":"60s"}},"examples":[{"tcp":6379},{"http":"http://127.0.0.1:8080/ready","interval":"500ms","timeout":"60s"}]};
const schema16 = {"description":"A TCP connection succeeds: a port (on 127.0.0.1) or \"host:port\".","errorMessage":"a port number or \"host:port\"","anyOf":[{"type":"integer","minimum":1,"maximum":65535},{"type":"string","minLength":1}],"examples":[6379,"127.0.0.1:5432"]};
const schema17 = {"type":"string","minLength":1,"description":"GET this URL answers 2xx or 3xx.","errorMessage":"an http:// or https:// URL","examples":["http://127.0.0.1:8080/ready"]};
const schema18 = {"description":"This command exits 0 (a string runs through /bin/sh -c).","errorMessage":"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string","errorMessage":"a string (one argument)"}}],"examples":[["pg_isready","-h","127.0.0.1"]]};
const schema19 = {"type":"string","minLength":1,"description":"A line of the service's stdout or stderr matches this regular expression (RE2 syntax: JavaScript's without lookaround and backreferences; (?i) for any case). The first 4 KiB of each line are matched; a ready probe stops matching once the service is ready.","errorMessage":"a regular expression","examples":["listening on port \\d+"]};

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
const _errs1 = errors;
let valid0 = false;
let passing0 = null;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.tcp === undefined){
const err0 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: "tcp"},message:"must have required property '"+"tcp"+"'",schema:schema15.oneOf[0].required,parentSchema:schema15.oneOf[0],data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
if(_valid0){
valid0 = true;
passing0 = 0;
}
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.http === undefined){
const err1 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "http"},message:"must have required property '"+"http"+"'",schema:schema15.oneOf[1].required,parentSchema:schema15.oneOf[1],data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
var _valid0 = _errs3 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid0 = true;
passing0 = 1;
}
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.exec === undefined){
const err2 = {instancePath,schemaPath:"#/oneOf/2/required",keyword:"required",params:{missingProperty: "exec"},message:"must have required property '"+"exec"+"'",schema:schema15.oneOf[2].required,parentSchema:schema15.oneOf[2],data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var _valid0 = _errs4 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 2];
}
else {
if(_valid0){
valid0 = true;
passing0 = 2;
}
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.log === undefined){
const err3 = {instancePath,schemaPath:"#/oneOf/3/required",keyword:"required",params:{missingProperty: "log"},message:"must have required property '"+"log"+"'",schema:schema15.oneOf[3].required,parentSchema:schema15.oneOf[3],data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var _valid0 = _errs5 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 3];
}
else {
if(_valid0){
valid0 = true;
passing0 = 3;
}
const _errs6 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.delay === undefined){
const err4 = {instancePath,schemaPath:"#/oneOf/4/required",keyword:"required",params:{missingProperty: "delay"},message:"must have required property '"+"delay"+"'",schema:schema15.oneOf[4].required,parentSchema:schema15.oneOf[4],data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
var _valid0 = _errs6 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 4];
}
else {
if(_valid0){
valid0 = true;
passing0 = 4;
}
const _errs7 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.notify === undefined){
const err5 = {instancePath,schemaPath:"#/oneOf/5/required",keyword:"required",params:{missingProperty: "notify"},message:"must have required property '"+"notify"+"'",schema:schema15.oneOf[5].required,parentSchema:schema15.oneOf[5],data};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
var _valid0 = _errs7 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 5];
}
else {
if(_valid0){
valid0 = true;
passing0 = 5;
}
}
}
}
}
}
if(!valid0){
const err6 = {instancePath,schemaPath:"#/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema15.oneOf,parentSchema:schema15,data};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((((key0 === "tcp") || (key0 === "http")) || (key0 === "exec")) || (key0 === "log")) || (key0 === "delay")) || (key0 === "notify")) || (key0 === "interval")) || (key0 === "timeout"))){
const err7 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema15,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.tcp !== undefined){
let data0 = data.tcp;
const _errs12 = errors;
let valid3 = false;
const _errs13 = errors;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err8 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema16.anyOf[0].type,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 > 65535 || isNaN(data0)){
const err9 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data0 < 1 || isNaN(data0)){
const err10 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
var _valid1 = _errs13 === errors;
valid3 = valid3 || _valid1;
if(!valid3){
const _errs15 = errors;
if(typeof data0 === "string"){
if(data0.length < 1){
const err11 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema16.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.anyOf[1].type,parentSchema:schema16.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
var _valid1 = _errs15 === errors;
valid3 = valid3 || _valid1;
}
if(!valid3){
const err13 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema16.anyOf,parentSchema:schema16,data:data0};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
else {
errors = _errs12;
if(vErrors !== null){
if(_errs12){
vErrors.length = _errs12;
}
else {
vErrors = null;
}
}
}
}
if(data.http !== undefined){
let data1 = data.http;
if(typeof data1 === "string"){
if(data1.length < 1){
const err14 = {instancePath:instancePath+"/http",schemaPath:"#/definitions/probeHttp/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema17,data:data1};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/http",schemaPath:"#/definitions/probeHttp/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.type,parentSchema:schema17,data:data1};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.exec !== undefined){
let data2 = data.exec;
const _errs24 = errors;
let valid6 = false;
const _errs25 = errors;
if(typeof data2 === "string"){
if(data2.length < 1){
const err16 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema18.anyOf[0],data:data2};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.anyOf[0].type,parentSchema:schema18.anyOf[0],data:data2};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
var _valid2 = _errs25 === errors;
valid6 = valid6 || _valid2;
if(!valid6){
const _errs27 = errors;
if(Array.isArray(data2)){
if(data2.length < 1){
const err18 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema18.anyOf[1],data:data2};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 !== "string"){
const err19 = {instancePath:instancePath+"/exec/" + i0,schemaPath:"#/definitions/probeExec/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.anyOf[1].items.type,parentSchema:schema18.anyOf[1].items,data:data3};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema18.anyOf[1].type,parentSchema:schema18.anyOf[1],data:data2};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
var _valid2 = _errs27 === errors;
valid6 = valid6 || _valid2;
}
if(!valid6){
const err21 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema18.anyOf,parentSchema:schema18,data:data2};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
else {
errors = _errs24;
if(vErrors !== null){
if(_errs24){
vErrors.length = _errs24;
}
else {
vErrors = null;
}
}
}
}
if(data.log !== undefined){
let data4 = data.log;
if(typeof data4 === "string"){
if(data4.length < 1){
const err22 = {instancePath:instancePath+"/log",schemaPath:"#/definitions/probeLog/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema19,data:data4};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/log",schemaPath:"#/definitions/probeLog/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema19.type,parentSchema:schema19,data:data4};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.delay !== undefined){
let data5 = data.delay;
const _errs39 = errors;
let valid11 = false;
const _errs40 = errors;
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
const err24 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
var _valid3 = _errs40 === errors;
valid11 = valid11 || _valid3;
if(!valid11){
const _errs42 = errors;
if(typeof data5 === "string"){
if(!pattern1.test(data5)){
const err26 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
var _valid3 = _errs42 === errors;
valid11 = valid11 || _valid3;
}
if(!valid11){
const err28 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
else {
errors = _errs39;
if(vErrors !== null){
if(_errs39){
vErrors.length = _errs39;
}
else {
vErrors = null;
}
}
}
}
if(data.notify !== undefined){
let data6 = data.notify;
if(true !== data6){
const err29 = {instancePath:instancePath+"/notify",schemaPath:"#/properties/notify/const",keyword:"const",params:{allowedValue: true},message:"must be equal to constant",schema:true,parentSchema:schema15.properties.notify,data:data6};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.interval !== undefined){
let data7 = data.interval;
const _errs49 = errors;
let valid13 = false;
const _errs50 = errors;
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 < 0 || isNaN(data7)){
const err30 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
var _valid4 = _errs50 === errors;
valid13 = valid13 || _valid4;
if(!valid13){
const _errs52 = errors;
if(typeof data7 === "string"){
if(!pattern1.test(data7)){
const err32 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
var _valid4 = _errs52 === errors;
valid13 = valid13 || _valid4;
}
if(!valid13){
const err34 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data7};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
else {
errors = _errs49;
if(vErrors !== null){
if(_errs49){
vErrors.length = _errs49;
}
else {
vErrors = null;
}
}
}
}
if(data.timeout !== undefined){
let data8 = data.timeout;
const _errs57 = errors;
let valid15 = false;
const _errs58 = errors;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 < 0 || isNaN(data8)){
const err35 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
var _valid5 = _errs58 === errors;
valid15 = valid15 || _valid5;
if(!valid15){
const _errs60 = errors;
if(typeof data8 === "string"){
if(!pattern1.test(data8)){
const err37 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
else {
const err38 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
var _valid5 = _errs60 === errors;
valid15 = valid15 || _valid5;
}
if(!valid15){
const err39 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data8};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
else {
errors = _errs57;
if(vErrors !== null){
if(_errs57){
vErrors.length = _errs57;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err40 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema15.type,parentSchema:schema15,data};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}

const schema23 = {"type":"object","title":"live probe","description":"Checked while the service runs: after `failures` failed attempts in a row the service is restarted per its restart policy. Exactly one of tcp, http, exec, log, delay, watchdog; plus interval, timeout, failures (not with watchdog).","errorMessage":"a map with exactly one of tcp, http, exec, log, delay or watchdog (and optionally interval, timeout, failures)","additionalProperties":false,"oneOf":[{"required":["tcp"]},{"required":["http"]},{"required":["exec"]},{"required":["log"]},{"required":["delay"]},{"required":["watchdog"]}],"properties":{"tcp":{"$ref":"#/definitions/probeTcp"},"http":{"$ref":"#/definitions/probeHttp"},"exec":{"$ref":"#/definitions/probeExec"},"log":{"$ref":"#/definitions/probeLog"},"delay":{"$ref":"#/definitions/duration","description":"Passes once the service has run this long."},"watchdog":{"$ref":"#/definitions/duration","description":"The service must send WATCHDOG=1 to the socket named in its NOTIFY_SOCKET at least this often once it is ready (systemd's WatchdogSec=; WATCHDOG_USEC is set for it); silent longer, it counts as dead."},"interval":{"$ref":"#/definitions/duration","description":"Between two attempts.","default":"5s"},"timeout":{"$ref":"#/definitions/duration","description":"Bound of one attempt.","default":"2s"},"failures":{"type":"integer","minimum":1,"description":"Failed attempts in a row that count as dead.","errorMessage":"a whole number, 1 or more","default":3}},"examples":[{"http":"http://127.0.0.1:8080/live","interval":"5s","failures":3},{"watchdog":"10s"}]};

function validate14(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
const _errs1 = errors;
let valid0 = false;
let passing0 = null;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.tcp === undefined){
const err0 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: "tcp"},message:"must have required property '"+"tcp"+"'",schema:schema23.oneOf[0].required,parentSchema:schema23.oneOf[0],data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
if(_valid0){
valid0 = true;
passing0 = 0;
}
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.http === undefined){
const err1 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: "http"},message:"must have required property '"+"http"+"'",schema:schema23.oneOf[1].required,parentSchema:schema23.oneOf[1],data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
var _valid0 = _errs3 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid0 = true;
passing0 = 1;
}
const _errs4 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.exec === undefined){
const err2 = {instancePath,schemaPath:"#/oneOf/2/required",keyword:"required",params:{missingProperty: "exec"},message:"must have required property '"+"exec"+"'",schema:schema23.oneOf[2].required,parentSchema:schema23.oneOf[2],data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var _valid0 = _errs4 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 2];
}
else {
if(_valid0){
valid0 = true;
passing0 = 2;
}
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.log === undefined){
const err3 = {instancePath,schemaPath:"#/oneOf/3/required",keyword:"required",params:{missingProperty: "log"},message:"must have required property '"+"log"+"'",schema:schema23.oneOf[3].required,parentSchema:schema23.oneOf[3],data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var _valid0 = _errs5 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 3];
}
else {
if(_valid0){
valid0 = true;
passing0 = 3;
}
const _errs6 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.delay === undefined){
const err4 = {instancePath,schemaPath:"#/oneOf/4/required",keyword:"required",params:{missingProperty: "delay"},message:"must have required property '"+"delay"+"'",schema:schema23.oneOf[4].required,parentSchema:schema23.oneOf[4],data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
var _valid0 = _errs6 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 4];
}
else {
if(_valid0){
valid0 = true;
passing0 = 4;
}
const _errs7 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.watchdog === undefined){
const err5 = {instancePath,schemaPath:"#/oneOf/5/required",keyword:"required",params:{missingProperty: "watchdog"},message:"must have required property '"+"watchdog"+"'",schema:schema23.oneOf[5].required,parentSchema:schema23.oneOf[5],data};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
var _valid0 = _errs7 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 5];
}
else {
if(_valid0){
valid0 = true;
passing0 = 5;
}
}
}
}
}
}
if(!valid0){
const err6 = {instancePath,schemaPath:"#/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema23.oneOf,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema23.properties, key0))){
const err7 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.tcp !== undefined){
let data0 = data.tcp;
const _errs12 = errors;
let valid3 = false;
const _errs13 = errors;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err8 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema16.anyOf[0].type,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 > 65535 || isNaN(data0)){
const err9 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data0 < 1 || isNaN(data0)){
const err10 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema16.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
var _valid1 = _errs13 === errors;
valid3 = valid3 || _valid1;
if(!valid3){
const _errs15 = errors;
if(typeof data0 === "string"){
if(data0.length < 1){
const err11 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema16.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.anyOf[1].type,parentSchema:schema16.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
var _valid1 = _errs15 === errors;
valid3 = valid3 || _valid1;
}
if(!valid3){
const err13 = {instancePath:instancePath+"/tcp",schemaPath:"#/definitions/probeTcp/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema16.anyOf,parentSchema:schema16,data:data0};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
else {
errors = _errs12;
if(vErrors !== null){
if(_errs12){
vErrors.length = _errs12;
}
else {
vErrors = null;
}
}
}
}
if(data.http !== undefined){
let data1 = data.http;
if(typeof data1 === "string"){
if(data1.length < 1){
const err14 = {instancePath:instancePath+"/http",schemaPath:"#/definitions/probeHttp/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema17,data:data1};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/http",schemaPath:"#/definitions/probeHttp/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.type,parentSchema:schema17,data:data1};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.exec !== undefined){
let data2 = data.exec;
const _errs24 = errors;
let valid6 = false;
const _errs25 = errors;
if(typeof data2 === "string"){
if(data2.length < 1){
const err16 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema18.anyOf[0],data:data2};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.anyOf[0].type,parentSchema:schema18.anyOf[0],data:data2};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
var _valid2 = _errs25 === errors;
valid6 = valid6 || _valid2;
if(!valid6){
const _errs27 = errors;
if(Array.isArray(data2)){
if(data2.length < 1){
const err18 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema18.anyOf[1],data:data2};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(typeof data3 !== "string"){
const err19 = {instancePath:instancePath+"/exec/" + i0,schemaPath:"#/definitions/probeExec/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.anyOf[1].items.type,parentSchema:schema18.anyOf[1].items,data:data3};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema18.anyOf[1].type,parentSchema:schema18.anyOf[1],data:data2};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
var _valid2 = _errs27 === errors;
valid6 = valid6 || _valid2;
}
if(!valid6){
const err21 = {instancePath:instancePath+"/exec",schemaPath:"#/definitions/probeExec/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema18.anyOf,parentSchema:schema18,data:data2};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
else {
errors = _errs24;
if(vErrors !== null){
if(_errs24){
vErrors.length = _errs24;
}
else {
vErrors = null;
}
}
}
}
if(data.log !== undefined){
let data4 = data.log;
if(typeof data4 === "string"){
if(data4.length < 1){
const err22 = {instancePath:instancePath+"/log",schemaPath:"#/definitions/probeLog/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema19,data:data4};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/log",schemaPath:"#/definitions/probeLog/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema19.type,parentSchema:schema19,data:data4};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.delay !== undefined){
let data5 = data.delay;
const _errs39 = errors;
let valid11 = false;
const _errs40 = errors;
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
const err24 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
var _valid3 = _errs40 === errors;
valid11 = valid11 || _valid3;
if(!valid11){
const _errs42 = errors;
if(typeof data5 === "string"){
if(!pattern1.test(data5)){
const err26 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
var _valid3 = _errs42 === errors;
valid11 = valid11 || _valid3;
}
if(!valid11){
const err28 = {instancePath:instancePath+"/delay",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
else {
errors = _errs39;
if(vErrors !== null){
if(_errs39){
vErrors.length = _errs39;
}
else {
vErrors = null;
}
}
}
}
if(data.watchdog !== undefined){
let data6 = data.watchdog;
const _errs47 = errors;
let valid13 = false;
const _errs48 = errors;
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 0 || isNaN(data6)){
const err29 = {instancePath:instancePath+"/watchdog",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath:instancePath+"/watchdog",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
var _valid4 = _errs48 === errors;
valid13 = valid13 || _valid4;
if(!valid13){
const _errs50 = errors;
if(typeof data6 === "string"){
if(!pattern1.test(data6)){
const err31 = {instancePath:instancePath+"/watchdog",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/watchdog",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
var _valid4 = _errs50 === errors;
valid13 = valid13 || _valid4;
}
if(!valid13){
const err33 = {instancePath:instancePath+"/watchdog",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data6};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
else {
errors = _errs47;
if(vErrors !== null){
if(_errs47){
vErrors.length = _errs47;
}
else {
vErrors = null;
}
}
}
}
if(data.interval !== undefined){
let data7 = data.interval;
const _errs55 = errors;
let valid15 = false;
const _errs56 = errors;
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 < 0 || isNaN(data7)){
const err34 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
var _valid5 = _errs56 === errors;
valid15 = valid15 || _valid5;
if(!valid15){
const _errs58 = errors;
if(typeof data7 === "string"){
if(!pattern1.test(data7)){
const err36 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
else {
const err37 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
var _valid5 = _errs58 === errors;
valid15 = valid15 || _valid5;
}
if(!valid15){
const err38 = {instancePath:instancePath+"/interval",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data7};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
else {
errors = _errs55;
if(vErrors !== null){
if(_errs55){
vErrors.length = _errs55;
}
else {
vErrors = null;
}
}
}
}
if(data.timeout !== undefined){
let data8 = data.timeout;
const _errs63 = errors;
let valid17 = false;
const _errs64 = errors;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 < 0 || isNaN(data8)){
const err39 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
var _valid6 = _errs64 === errors;
valid17 = valid17 || _valid6;
if(!valid17){
const _errs66 = errors;
if(typeof data8 === "string"){
if(!pattern1.test(data8)){
const err41 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
var _valid6 = _errs66 === errors;
valid17 = valid17 || _valid6;
}
if(!valid17){
const err43 = {instancePath:instancePath+"/timeout",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data8};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
else {
errors = _errs63;
if(vErrors !== null){
if(_errs63){
vErrors.length = _errs63;
}
else {
vErrors = null;
}
}
}
}
if(data.failures !== undefined){
let data9 = data.failures;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err44 = {instancePath:instancePath+"/failures",schemaPath:"#/properties/failures/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema23.properties.failures.type,parentSchema:schema23.properties.failures,data:data9};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 < 1 || isNaN(data9)){
const err45 = {instancePath:instancePath+"/failures",schemaPath:"#/properties/failures/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema23.properties.failures,data:data9};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
}
else {
const err46 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema23.type,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
validate14.errors = vErrors;
return errors === 0;
}


function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.command === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "command"},message:"must have required property '"+"command"+"'",schema:schema13.required,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema13.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.command !== undefined){
let data0 = data.command;
const _errs5 = errors;
let valid2 = false;
const _errs6 = errors;
if(typeof data0 === "string"){
if(data0.length < 1){
const err2 = {instancePath:instancePath+"/command",schemaPath:"#/definitions/command/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema14.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/command",schemaPath:"#/definitions/command/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.anyOf[0].type,parentSchema:schema14.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs6 === errors;
valid2 = valid2 || _valid0;
if(!valid2){
const _errs8 = errors;
if(Array.isArray(data0)){
if(data0.length < 1){
const err4 = {instancePath:instancePath+"/command",schemaPath:"#/definitions/command/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema14.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
if(typeof data1 !== "string"){
const err5 = {instancePath:instancePath+"/command/" + i0,schemaPath:"#/definitions/command/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.anyOf[1].items.type,parentSchema:schema14.anyOf[1].items,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/command",schemaPath:"#/definitions/command/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema14.anyOf[1].type,parentSchema:schema14.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
var _valid0 = _errs8 === errors;
valid2 = valid2 || _valid0;
}
if(!valid2){
const err7 = {instancePath:instancePath+"/command",schemaPath:"#/definitions/command/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema14.anyOf,parentSchema:schema14,data:data0};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
else {
errors = _errs5;
if(vErrors !== null){
if(_errs5){
vErrors.length = _errs5;
}
else {
vErrors = null;
}
}
}
}
if(data.cwd !== undefined){
let data2 = data.cwd;
if(typeof data2 === "string"){
if(data2.length < 1){
const err8 = {instancePath:instancePath+"/cwd",schemaPath:"#/properties/cwd/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.properties.cwd,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/cwd",schemaPath:"#/properties/cwd/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.cwd.type,parentSchema:schema13.properties.cwd,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.env !== undefined){
let data3 = data.env;
const _errs19 = errors;
let valid5 = false;
const _errs20 = errors;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
for(const key1 in data3){
const _errs22 = errors;
if(typeof key1 === "string"){
if(!pattern2.test(key1)){
const err10 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema13.properties.env.anyOf[0].propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
var valid6 = _errs22 === errors;
if(!valid6){
const err11 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid",schema:schema13.properties.env.anyOf[0].propertyNames,parentSchema:schema13.properties.env.anyOf[0],data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
for(const key2 in data3){
let data4 = data3[key2];
if(((typeof data4 !== "string") && (!((typeof data4 == "number") && (isFinite(data4))))) && (typeof data4 !== "boolean")){
const err12 = {instancePath:instancePath+"/env/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/env/anyOf/0/additionalProperties/type",keyword:"type",params:{type: schema13.properties.env.anyOf[0].additionalProperties.type},message:"must be string,number,boolean",schema:schema13.properties.env.anyOf[0].additionalProperties.type,parentSchema:schema13.properties.env.anyOf[0].additionalProperties,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.env.anyOf[0].type,parentSchema:schema13.properties.env.anyOf[0],data:data3};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
var _valid1 = _errs20 === errors;
valid5 = valid5 || _valid1;
if(!valid5){
const _errs28 = errors;
if(Array.isArray(data3)){
const len1 = data3.length;
for(let i1=0; i1<len1; i1++){
let data5 = data3[i1];
if(typeof data5 === "string"){
if(!pattern3.test(data5)){
const err14 = {instancePath:instancePath+"/env/" + i1,schemaPath:"#/properties/env/anyOf/1/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*="},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*="+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*=",parentSchema:schema13.properties.env.anyOf[1].items,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/env/" + i1,schemaPath:"#/properties/env/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.env.anyOf[1].items.type,parentSchema:schema13.properties.env.anyOf[1].items,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.properties.env.anyOf[1].type,parentSchema:schema13.properties.env.anyOf[1],data:data3};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
var _valid1 = _errs28 === errors;
valid5 = valid5 || _valid1;
}
if(!valid5){
const err17 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema13.properties.env.anyOf,parentSchema:schema13.properties.env,data:data3};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
else {
errors = _errs19;
if(vErrors !== null){
if(_errs19){
vErrors.length = _errs19;
}
else {
vErrors = null;
}
}
}
}
if(data.env_file !== undefined){
let data6 = data.env_file;
const _errs35 = errors;
let valid10 = false;
const _errs36 = errors;
if(typeof data6 === "string"){
if(data6.length < 1){
const err18 = {instancePath:instancePath+"/env_file",schemaPath:"#/properties/env_file/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.properties.env_file.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/env_file",schemaPath:"#/properties/env_file/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.env_file.anyOf[0].type,parentSchema:schema13.properties.env_file.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
var _valid2 = _errs36 === errors;
valid10 = valid10 || _valid2;
if(!valid10){
const _errs38 = errors;
if(Array.isArray(data6)){
if(data6.length < 1){
const err20 = {instancePath:instancePath+"/env_file",schemaPath:"#/properties/env_file/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema13.properties.env_file.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
const len2 = data6.length;
for(let i2=0; i2<len2; i2++){
let data7 = data6[i2];
if(typeof data7 === "string"){
if(data7.length < 1){
const err21 = {instancePath:instancePath+"/env_file/" + i2,schemaPath:"#/properties/env_file/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.properties.env_file.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/env_file/" + i2,schemaPath:"#/properties/env_file/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.env_file.anyOf[1].items.type,parentSchema:schema13.properties.env_file.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/env_file",schemaPath:"#/properties/env_file/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.properties.env_file.anyOf[1].type,parentSchema:schema13.properties.env_file.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
var _valid2 = _errs38 === errors;
valid10 = valid10 || _valid2;
}
if(!valid10){
const err24 = {instancePath:instancePath+"/env_file",schemaPath:"#/properties/env_file/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema13.properties.env_file.anyOf,parentSchema:schema13.properties.env_file,data:data6};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
else {
errors = _errs35;
if(vErrors !== null){
if(_errs35){
vErrors.length = _errs35;
}
else {
vErrors = null;
}
}
}
}
if(data.user !== undefined){
let data8 = data.user;
const _errs45 = errors;
let valid13 = false;
const _errs46 = errors;
if(typeof data8 === "string"){
if(!pattern7.test(data8)){
const err25 = {instancePath:instancePath+"/user",schemaPath:"#/properties/user/anyOf/0/pattern",keyword:"pattern",params:{pattern: "^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$"},message:"must match pattern \""+"^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$"+"\"",schema:"^(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+(?::(?:[^:\\s$]|\\$\\{[^}]+\\}|\\$\\$)+)?$",parentSchema:schema13.properties.user.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/user",schemaPath:"#/properties/user/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.user.anyOf[0].type,parentSchema:schema13.properties.user.anyOf[0],data:data8};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
var _valid3 = _errs46 === errors;
valid13 = valid13 || _valid3;
if(!valid13){
const _errs48 = errors;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
const err27 = {instancePath:instancePath+"/user",schemaPath:"#/properties/user/anyOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema13.properties.user.anyOf[1].type,parentSchema:schema13.properties.user.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 < 0 || isNaN(data8)){
const err28 = {instancePath:instancePath+"/user",schemaPath:"#/properties/user/anyOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema13.properties.user.anyOf[1],data:data8};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
var _valid3 = _errs48 === errors;
valid13 = valid13 || _valid3;
}
if(!valid13){
const err29 = {instancePath:instancePath+"/user",schemaPath:"#/properties/user/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema13.properties.user.anyOf,parentSchema:schema13.properties.user,data:data8};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
else {
errors = _errs45;
if(vErrors !== null){
if(_errs45){
vErrors.length = _errs45;
}
else {
vErrors = null;
}
}
}
}
if(data.depends_on !== undefined){
let data9 = data.depends_on;
const _errs52 = errors;
let valid14 = false;
const _errs53 = errors;
if(Array.isArray(data9)){
const len3 = data9.length;
for(let i3=0; i3<len3; i3++){
let data10 = data9[i3];
if(typeof data10 !== "string"){
const err30 = {instancePath:instancePath+"/depends_on/" + i3,schemaPath:"#/properties/depends_on/anyOf/0/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.depends_on.anyOf[0].items.type,parentSchema:schema13.properties.depends_on.anyOf[0].items,data:data10};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
let i4 = data9.length;
let j0;
if(i4 > 1){
const indices0 = {};
for(;i4--;){
let item0 = data9[i4];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err31 = {instancePath:instancePath+"/depends_on",schemaPath:"#/properties/depends_on/anyOf/0/uniqueItems",keyword:"uniqueItems",params:{i: i4, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i4+" are identical)",schema:true,parentSchema:schema13.properties.depends_on.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
break;
}
indices0[item0] = i4;
}
}
}
else {
const err32 = {instancePath:instancePath+"/depends_on",schemaPath:"#/properties/depends_on/anyOf/0/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.properties.depends_on.anyOf[0].type,parentSchema:schema13.properties.depends_on.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
var _valid4 = _errs53 === errors;
valid14 = valid14 || _valid4;
if(!valid14){
const _errs58 = errors;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
for(const key3 in data9){
let data11 = data9[key3];
if(!(((data11 === "started") || (data11 === "ready")) || (data11 === "completed"))){
const err33 = {instancePath:instancePath+"/depends_on/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/depends_on/anyOf/1/additionalProperties/enum",keyword:"enum",params:{allowedValues: schema13.properties.depends_on.anyOf[1].additionalProperties.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.depends_on.anyOf[1].additionalProperties.enum,parentSchema:schema13.properties.depends_on.anyOf[1].additionalProperties,data:data11};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
else {
const err34 = {instancePath:instancePath+"/depends_on",schemaPath:"#/properties/depends_on/anyOf/1/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.depends_on.anyOf[1].type,parentSchema:schema13.properties.depends_on.anyOf[1],data:data9};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
var _valid4 = _errs58 === errors;
valid14 = valid14 || _valid4;
}
if(!valid14){
const err35 = {instancePath:instancePath+"/depends_on",schemaPath:"#/properties/depends_on/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema13.properties.depends_on.anyOf,parentSchema:schema13.properties.depends_on,data:data9};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
else {
errors = _errs52;
if(vErrors !== null){
if(_errs52){
vErrors.length = _errs52;
}
else {
vErrors = null;
}
}
}
}
if(data.ready !== undefined){
let data12 = data.ready;
const _errs65 = errors;
let valid19 = true;
const _errs66 = errors;
if(typeof data12 !== "string"){
const err36 = {};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
var _valid5 = _errs66 === errors;
errors = _errs65;
if(vErrors !== null){
if(_errs65){
vErrors.length = _errs65;
}
else {
vErrors = null;
}
}
let ifClause0;
if(_valid5){
const _errs68 = errors;
if("notify" !== data12){
const err37 = {instancePath:instancePath+"/ready",schemaPath:"#/properties/ready/then/const",keyword:"const",params:{allowedValue: "notify"},message:"must be equal to constant",schema:"notify",parentSchema:schema13.properties.ready.then,data:data12};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
var _valid5 = _errs68 === errors;
valid19 = _valid5;
ifClause0 = "then";
}
else {
const _errs70 = errors;
if(!(validate12(data12, {instancePath:instancePath+"/ready",parentData:data,parentDataProperty:"ready",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
var _valid5 = _errs70 === errors;
valid19 = _valid5;
ifClause0 = "else";
}
if(!valid19){
const err38 = {instancePath:instancePath+"/ready",schemaPath:"#/properties/ready/if",keyword:"if",params:{failingKeyword: ifClause0},message:"must match \""+ifClause0+"\" schema",schema:schema13.properties.ready.if,parentSchema:schema13.properties.ready,data:data12};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data.live !== undefined){
if(!(validate14(data.live, {instancePath:instancePath+"/live",parentData:data,parentDataProperty:"live",rootData}))){
vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
errors = vErrors.length;
}
}
if(data.restart !== undefined){
let data14 = data.restart;
if(!(((data14 === "no") || (data14 === "on-failure")) || (data14 === "always"))){
const err39 = {instancePath:instancePath+"/restart",schemaPath:"#/properties/restart/enum",keyword:"enum",params:{allowedValues: schema13.properties.restart.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.restart.enum,parentSchema:schema13.properties.restart,data:data14};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.max_restarts !== undefined){
let data15 = data.max_restarts;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
const err40 = {instancePath:instancePath+"/max_restarts",schemaPath:"#/properties/max_restarts/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema13.properties.max_restarts.type,parentSchema:schema13.properties.max_restarts,data:data15};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 < 0 || isNaN(data15)){
const err41 = {instancePath:instancePath+"/max_restarts",schemaPath:"#/properties/max_restarts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema13.properties.max_restarts,data:data15};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
}
if(data.stable_after !== undefined){
let data16 = data.stable_after;
const _errs79 = errors;
let valid21 = false;
const _errs80 = errors;
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 < 0 || isNaN(data16)){
const err42 = {instancePath:instancePath+"/stable_after",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data16};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/stable_after",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data16};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
var _valid6 = _errs80 === errors;
valid21 = valid21 || _valid6;
if(!valid21){
const _errs82 = errors;
if(typeof data16 === "string"){
if(!pattern1.test(data16)){
const err44 = {instancePath:instancePath+"/stable_after",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data16};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
else {
const err45 = {instancePath:instancePath+"/stable_after",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data16};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
var _valid6 = _errs82 === errors;
valid21 = valid21 || _valid6;
}
if(!valid21){
const err46 = {instancePath:instancePath+"/stable_after",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data16};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
else {
errors = _errs79;
if(vErrors !== null){
if(_errs79){
vErrors.length = _errs79;
}
else {
vErrors = null;
}
}
}
}
if(data.backoff !== undefined){
let data17 = data.backoff;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key4 in data17){
if(!((key4 === "initial") || (key4 === "max"))){
const err47 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema13.properties.backoff,data:data17};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
if(data17.initial !== undefined){
let data18 = data17.initial;
const _errs91 = errors;
let valid24 = false;
const _errs92 = errors;
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 0 || isNaN(data18)){
const err48 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data18};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data18};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
var _valid7 = _errs92 === errors;
valid24 = valid24 || _valid7;
if(!valid24){
const _errs94 = errors;
if(typeof data18 === "string"){
if(!pattern1.test(data18)){
const err50 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data18};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
else {
const err51 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data18};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
var _valid7 = _errs94 === errors;
valid24 = valid24 || _valid7;
}
if(!valid24){
const err52 = {instancePath:instancePath+"/backoff/initial",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data18};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
else {
errors = _errs91;
if(vErrors !== null){
if(_errs91){
vErrors.length = _errs91;
}
else {
vErrors = null;
}
}
}
}
if(data17.max !== undefined){
let data19 = data17.max;
const _errs99 = errors;
let valid26 = false;
const _errs100 = errors;
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 < 0 || isNaN(data19)){
const err53 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data19};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
else {
const err54 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data19};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
var _valid8 = _errs100 === errors;
valid26 = valid26 || _valid8;
if(!valid26){
const _errs102 = errors;
if(typeof data19 === "string"){
if(!pattern1.test(data19)){
const err55 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data19};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data19};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
var _valid8 = _errs102 === errors;
valid26 = valid26 || _valid8;
}
if(!valid26){
const err57 = {instancePath:instancePath+"/backoff/max",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data19};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
else {
errors = _errs99;
if(vErrors !== null){
if(_errs99){
vErrors.length = _errs99;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err58 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.backoff.type,parentSchema:schema13.properties.backoff,data:data17};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data.stop_signal !== undefined){
let data20 = data.stop_signal;
const _errs106 = errors;
let valid27 = false;
const _errs107 = errors;
if(typeof data20 === "string"){
if(data20.length < 1){
const err59 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.properties.stop_signal.anyOf[0],data:data20};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
else {
const err60 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.stop_signal.anyOf[0].type,parentSchema:schema13.properties.stop_signal.anyOf[0],data:data20};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
var _valid9 = _errs107 === errors;
valid27 = valid27 || _valid9;
if(!valid27){
const _errs109 = errors;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err61 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema13.properties.stop_signal.anyOf[1].type,parentSchema:schema13.properties.stop_signal.anyOf[1],data:data20};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 31 || isNaN(data20)){
const err62 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 31},message:"must be <= 31",schema:31,parentSchema:schema13.properties.stop_signal.anyOf[1],data:data20};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
if(data20 < 1 || isNaN(data20)){
const err63 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema13.properties.stop_signal.anyOf[1],data:data20};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
var _valid9 = _errs109 === errors;
valid27 = valid27 || _valid9;
}
if(!valid27){
const err64 = {instancePath:instancePath+"/stop_signal",schemaPath:"#/properties/stop_signal/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema13.properties.stop_signal.anyOf,parentSchema:schema13.properties.stop_signal,data:data20};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
else {
errors = _errs106;
if(vErrors !== null){
if(_errs106){
vErrors.length = _errs106;
}
else {
vErrors = null;
}
}
}
}
if(data.stop_timeout !== undefined){
let data21 = data.stop_timeout;
const _errs114 = errors;
let valid29 = false;
const _errs115 = errors;
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 0 || isNaN(data21)){
const err65 = {instancePath:instancePath+"/stop_timeout",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data21};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
else {
const err66 = {instancePath:instancePath+"/stop_timeout",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data21};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
var _valid10 = _errs115 === errors;
valid29 = valid29 || _valid10;
if(!valid29){
const _errs117 = errors;
if(typeof data21 === "string"){
if(!pattern1.test(data21)){
const err67 = {instancePath:instancePath+"/stop_timeout",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data21};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
else {
const err68 = {instancePath:instancePath+"/stop_timeout",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data21};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
var _valid10 = _errs117 === errors;
valid29 = valid29 || _valid10;
}
if(!valid29){
const err69 = {instancePath:instancePath+"/stop_timeout",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data21};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
else {
errors = _errs114;
if(vErrors !== null){
if(_errs114){
vErrors.length = _errs114;
}
else {
vErrors = null;
}
}
}
}
if(data.signal_group !== undefined){
let data22 = data.signal_group;
if(typeof data22 !== "boolean"){
const err70 = {instancePath:instancePath+"/signal_group",schemaPath:"#/properties/signal_group/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.signal_group.type,parentSchema:schema13.properties.signal_group,data:data22};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data.critical !== undefined){
let data23 = data.critical;
if(typeof data23 !== "boolean"){
const err71 = {instancePath:instancePath+"/critical",schemaPath:"#/properties/critical/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.critical.type,parentSchema:schema13.properties.critical,data:data23};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data.disabled !== undefined){
let data24 = data.disabled;
if(typeof data24 !== "boolean"){
const err72 = {instancePath:instancePath+"/disabled",schemaPath:"#/properties/disabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.disabled.type,parentSchema:schema13.properties.disabled,data:data24};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data.replicas !== undefined){
let data25 = data.replicas;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err73 = {instancePath:instancePath+"/replicas",schemaPath:"#/properties/replicas/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema13.properties.replicas.type,parentSchema:schema13.properties.replicas,data:data25};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 100 || isNaN(data25)){
const err74 = {instancePath:instancePath+"/replicas",schemaPath:"#/properties/replicas/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema13.properties.replicas,data:data25};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if(data25 < 1 || isNaN(data25)){
const err75 = {instancePath:instancePath+"/replicas",schemaPath:"#/properties/replicas/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema13.properties.replicas,data:data25};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
}
}
else {
const err76 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.services === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "services"},message:"must have required property '"+"services"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!((((((key0 === "grace") || (key0 === "health")) || (key0 === "env")) || (key0 === "services")) || (key0 === "include")) || (pattern0.test(key0)))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.grace !== undefined){
let data0 = data.grace;
const _errs5 = errors;
let valid2 = false;
const _errs6 = errors;
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 < 0 || isNaN(data0)){
const err2 = {instancePath:instancePath+"/grace",schemaPath:"#/definitions/duration/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema12.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/grace",schemaPath:"#/definitions/duration/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs6 === errors;
valid2 = valid2 || _valid0;
if(!valid2){
const _errs8 = errors;
if(typeof data0 === "string"){
if(!pattern1.test(data0)){
const err4 = {instancePath:instancePath+"/grace",schemaPath:"#/definitions/duration/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"},message:"must match pattern \""+"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$"+"\"",schema:"^\\s*([0-9]+(\\.[0-9]+)?(ms|s|m|h)\\s*)+$",parentSchema:schema12.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/grace",schemaPath:"#/definitions/duration/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs8 === errors;
valid2 = valid2 || _valid0;
}
if(!valid2){
const err6 = {instancePath:instancePath+"/grace",schemaPath:"#/definitions/duration/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
else {
errors = _errs5;
if(vErrors !== null){
if(_errs5){
vErrors.length = _errs5;
}
else {
vErrors = null;
}
}
}
}
if(data.health !== undefined){
let data1 = data.health;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.port === undefined){
const err7 = {instancePath:instancePath+"/health",schemaPath:"#/properties/health/required",keyword:"required",params:{missingProperty: "port"},message:"must have required property '"+"port"+"'",schema:schema11.properties.health.required,parentSchema:schema11.properties.health,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data1){
if(!((key1 === "port") || (key1 === "host"))){
const err8 = {instancePath:instancePath+"/health",schemaPath:"#/properties/health/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.health,data:data1};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data1.port !== undefined){
let data2 = data1.port;
if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){
const err9 = {instancePath:instancePath+"/health/port",schemaPath:"#/properties/health/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.health.properties.port.type,parentSchema:schema11.properties.health.properties.port,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 > 65535 || isNaN(data2)){
const err10 = {instancePath:instancePath+"/health/port",schemaPath:"#/properties/health/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema11.properties.health.properties.port,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data2 < 1 || isNaN(data2)){
const err11 = {instancePath:instancePath+"/health/port",schemaPath:"#/properties/health/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.health.properties.port,data:data2};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
if(data1.host !== undefined){
let data3 = data1.host;
if(typeof data3 === "string"){
if(data3.length < 1){
const err12 = {instancePath:instancePath+"/health/host",schemaPath:"#/properties/health/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.health.properties.host,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/health/host",schemaPath:"#/properties/health/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.health.properties.host.type,parentSchema:schema11.properties.health.properties.host,data:data3};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/health",schemaPath:"#/properties/health/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.health.type,parentSchema:schema11.properties.health,data:data1};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.env !== undefined){
let data4 = data.env;
const _errs22 = errors;
let valid4 = false;
const _errs23 = errors;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
const _errs25 = errors;
if(typeof key2 === "string"){
if(!pattern2.test(key2)){
const err15 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema11.properties.env.anyOf[0].propertyNames,data:key2,propertyName:key2};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
var valid5 = _errs25 === errors;
if(!valid5){
const err16 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/propertyNames",keyword:"propertyNames",params:{propertyName: key2},message:"property name must be valid",schema:schema11.properties.env.anyOf[0].propertyNames,parentSchema:schema11.properties.env.anyOf[0],data:data4};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
for(const key3 in data4){
let data5 = data4[key3];
if(((typeof data5 !== "string") && (!((typeof data5 == "number") && (isFinite(data5))))) && (typeof data5 !== "boolean")){
const err17 = {instancePath:instancePath+"/env/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/env/anyOf/0/additionalProperties/type",keyword:"type",params:{type: schema11.properties.env.anyOf[0].additionalProperties.type},message:"must be string,number,boolean",schema:schema11.properties.env.anyOf[0].additionalProperties.type,parentSchema:schema11.properties.env.anyOf[0].additionalProperties,data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/0/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.env.anyOf[0].type,parentSchema:schema11.properties.env.anyOf[0],data:data4};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
var _valid1 = _errs23 === errors;
valid4 = valid4 || _valid1;
if(!valid4){
const _errs31 = errors;
if(Array.isArray(data4)){
const len0 = data4.length;
for(let i0=0; i0<len0; i0++){
let data6 = data4[i0];
if(typeof data6 === "string"){
if(!pattern3.test(data6)){
const err19 = {instancePath:instancePath+"/env/" + i0,schemaPath:"#/properties/env/anyOf/1/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*="},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*="+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*=",parentSchema:schema11.properties.env.anyOf[1].items,data:data6};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/env/" + i0,schemaPath:"#/properties/env/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.env.anyOf[1].items.type,parentSchema:schema11.properties.env.anyOf[1].items,data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
else {
const err21 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.env.anyOf[1].type,parentSchema:schema11.properties.env.anyOf[1],data:data4};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
var _valid1 = _errs31 === errors;
valid4 = valid4 || _valid1;
}
if(!valid4){
const err22 = {instancePath:instancePath+"/env",schemaPath:"#/properties/env/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.env.anyOf,parentSchema:schema11.properties.env,data:data4};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
else {
errors = _errs22;
if(vErrors !== null){
if(_errs22){
vErrors.length = _errs22;
}
else {
vErrors = null;
}
}
}
}
if(data.services !== undefined){
let data7 = data.services;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(Object.keys(data7).length < 1){
const err23 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema11.properties.services,data:data7};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
for(const key4 in data7){
const _errs40 = errors;
const _errs41 = errors;
const _errs42 = errors;
if("usher" !== key4){
const err24 = {};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
var valid10 = _errs42 === errors;
if(valid10){
const err25 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/propertyNames/not",keyword:"not",params:{},message:"must NOT be valid",schema:schema11.properties.services.propertyNames.not,parentSchema:schema11.properties.services.propertyNames,data:key4,propertyName:key4};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
else {
errors = _errs41;
if(vErrors !== null){
if(_errs41){
vErrors.length = _errs41;
}
else {
vErrors = null;
}
}
}
if(typeof key4 === "string"){
if(key4.length > 63){
const err26 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/propertyNames/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters",schema:63,parentSchema:schema11.properties.services.propertyNames,data:key4,propertyName:key4};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(!pattern4.test(key4)){
const err27 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9_.-]*$",parentSchema:schema11.properties.services.propertyNames,data:key4,propertyName:key4};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
var valid9 = _errs40 === errors;
if(!valid9){
const err28 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/propertyNames",keyword:"propertyNames",params:{propertyName: key4},message:"property name must be valid",schema:schema11.properties.services.propertyNames,parentSchema:schema11.properties.services,data:data7};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
for(const key5 in data7){
if(!(validate11(data7[key5], {instancePath:instancePath+"/services/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data7,parentDataProperty:key5,rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
}
else {
const err29 = {instancePath:instancePath+"/services",schemaPath:"#/properties/services/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.services.type,parentSchema:schema11.properties.services,data:data7};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data.include !== undefined){
let data9 = data.include;
const _errs47 = errors;
let valid12 = false;
const _errs48 = errors;
if(typeof data9 === "string"){
if(data9.length < 1){
const err30 = {instancePath:instancePath+"/include",schemaPath:"#/properties/include/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.include.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
else {
const err31 = {instancePath:instancePath+"/include",schemaPath:"#/properties/include/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.include.anyOf[0].type,parentSchema:schema11.properties.include.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
var _valid2 = _errs48 === errors;
valid12 = valid12 || _valid2;
if(!valid12){
const _errs50 = errors;
if(Array.isArray(data9)){
const len1 = data9.length;
for(let i1=0; i1<len1; i1++){
let data10 = data9[i1];
if(typeof data10 === "string"){
if(data10.length < 1){
const err32 = {instancePath:instancePath+"/include/" + i1,schemaPath:"#/properties/include/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.include.anyOf[1].items,data:data10};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/include/" + i1,schemaPath:"#/properties/include/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.include.anyOf[1].items.type,parentSchema:schema11.properties.include.anyOf[1].items,data:data10};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
else {
const err34 = {instancePath:instancePath+"/include",schemaPath:"#/properties/include/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.include.anyOf[1].type,parentSchema:schema11.properties.include.anyOf[1],data:data9};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
var _valid2 = _errs50 === errors;
valid12 = valid12 || _valid2;
}
if(!valid12){
const err35 = {instancePath:instancePath+"/include",schemaPath:"#/properties/include/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.include.anyOf,parentSchema:schema11.properties.include,data:data9};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
else {
errors = _errs47;
if(vErrors !== null){
if(_errs47){
vErrors.length = _errs47;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err36 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

// The schema as published, for builds that do not ship schema/ (the single-file usher).
export const SCHEMA_TEXT = "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"title\": \"usher.yaml\",\n  \"description\": \"usher supervisor mode: the services to run in one container, started in dependency order and stopped in reverse order inside the grace period. Reference: docs/supervisor-config.md. Durations are 10s, 500ms, 1m, 1h or a number of seconds, at most 576h (24 days). ${VAR} and ${VAR:-default} are expanded from usher's environment in command, env values, cwd and probes; $$ is a literal $.\",\n  \"type\": \"object\",\n  \"errorMessage\": \"a map with 'services' (and optionally 'grace', 'health', 'env', 'include')\",\n  \"required\": [\n    \"services\"\n  ],\n  \"additionalProperties\": false,\n  \"patternProperties\": {\n    \"^x-\": {\n      \"description\": \"Extension field, ignored by usher (for YAML anchors shared by services, as in compose files).\"\n    }\n  },\n  \"properties\": {\n    \"grace\": {\n      \"$ref\": \"#/definitions/duration\",\n      \"description\": \"The whole shutdown budget: on SIGTERM every service is stopped (reverse dependency order) within this time, then whatever is left is killed. Keep it below the platform's deadline (Kubernetes: terminationGracePeriodSeconds, 30 s by default; docker stop: 10 s).\",\n      \"default\": \"25s\"\n    },\n    \"health\": {\n      \"type\": \"object\",\n      \"description\": \"An HTTP server for the platform's probes and monitoring: GET /live (200 while usher is not shutting down), GET /ready (200 when every service with a `ready` probe is ready) and GET /metrics (Prometheus text format).\",\n      \"errorMessage\": \"a map with 'port' (and optionally 'host')\",\n      \"required\": [\n        \"port\"\n      ],\n      \"additionalProperties\": false,\n      \"properties\": {\n        \"port\": {\n          \"type\": \"integer\",\n          \"minimum\": 1,\n          \"maximum\": 65535,\n          \"description\": \"TCP port of the health server.\",\n          \"errorMessage\": \"a port number from 1 to 65535\",\n          \"examples\": [\n            9000\n          ]\n        },\n        \"host\": {\n          \"type\": \"string\",\n          \"minLength\": 1,\n          \"description\": \"Address the health server listens on. The default :: is every address, IPv6 and IPv4 (0.0.0.0 on a kernel without IPv6): a kubelet probes the pod's IP, so 127.0.0.1 would fail its probes.\",\n          \"errorMessage\": \"an IP address or host name, such as ::, 0.0.0.0 or 127.0.0.1\",\n          \"default\": \"::\"\n        }\n      },\n      \"examples\": [\n        {\n          \"port\": 9000\n        }\n      ]\n    },\n    \"env\": {\n      \"description\": \"Variables for every service (process-compose's global environment), added to usher's environment: a map or a list of KEY=VALUE, as a service's env;  expanded. A service's own env_file and env win over them.\",\n      \"errorMessage\": \"a map of variable names to values, or a list of KEY=VALUE strings\",\n      \"anyOf\": [\n        {\n          \"type\": \"object\",\n          \"propertyNames\": {\n            \"pattern\": \"^[A-Za-z_][A-Za-z0-9_]*$\",\n            \"errorMessage\": \"a variable name: letters, digits and '_', not starting with a digit\"\n          },\n          \"additionalProperties\": {\n            \"type\": [\n              \"string\",\n              \"number\",\n              \"boolean\"\n            ],\n            \"errorMessage\": \"a string, a number or a boolean\"\n          }\n        },\n        {\n          \"type\": \"array\",\n          \"items\": {\n            \"type\": \"string\",\n            \"pattern\": \"^[A-Za-z_][A-Za-z0-9_]*=\",\n            \"errorMessage\": \"a KEY=VALUE string\"\n          }\n        }\n      ],\n      \"examples\": [\n        {\n          \"TZ\": \"UTC\"\n        }\n      ]\n    },\n    \"services\": {\n      \"type\": \"object\",\n      \"description\": \"The services, by name. Started in dependency order (independent ones in parallel); log lines are prefixed with the name.\",\n      \"errorMessage\": \"a map of service names to services\",\n      \"minProperties\": 1,\n      \"propertyNames\": {\n        \"pattern\": \"^[A-Za-z0-9][A-Za-z0-9_.-]*$\",\n        \"maxLength\": 63,\n        \"not\": {\n          \"const\": \"usher\"\n        },\n        \"errorMessage\": \"a service name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters, not 'usher'\"\n      },\n      \"additionalProperties\": {\n        \"$ref\": \"#/definitions/service\"\n      }\n    },\n    \"include\": {\n      \"description\": \"Other usher.yaml files read before this one, which overrides them key by key (services merged by name), as supervisord's [include] and docker compose -f a -f b: a path or a list, relative to this file; * and ? in a file name take every match in name order (conf.d/*.yaml), none being no error. A relative cwd or env_file in an included file starts from that file's directory.\",\n      \"errorMessage\": \"a file path or a list of file paths (relative to this file)\",\n      \"anyOf\": [\n        {\n          \"type\": \"string\",\n          \"minLength\": 1\n        },\n        {\n          \"type\": \"array\",\n          \"items\": {\n            \"type\": \"string\",\n            \"minLength\": 1,\n            \"errorMessage\": \"a file path\"\n          }\n        }\n      ],\n      \"examples\": [\n        [\n          \"conf.d/*.yaml\"\n        ]\n      ]\n    }\n  },\n  \"definitions\": {\n    \"duration\": {\n      \"title\": \"duration\",\n      \"description\": \"A duration: 10s, 500ms, 1m, 1h, 1m30s, or a number of seconds; at most 576h (24 days).\",\n      \"errorMessage\": \"a duration such as 10s, 500ms, 1m or a number of seconds\",\n      \"anyOf\": [\n        {\n          \"type\": \"number\",\n          \"minimum\": 0\n        },\n        {\n          \"type\": \"string\",\n          \"pattern\": \"^\\\\s*([0-9]+(\\\\.[0-9]+)?(ms|s|m|h)\\\\s*)+$\"\n        }\n      ],\n      \"examples\": [\n        \"10s\",\n        \"500ms\",\n        \"1m\",\n        5\n      ]\n    },\n    \"command\": {\n      \"description\": \"A list of strings is run as is (argv, no shell); a string runs through /bin/sh -c, as `exec COMMAND` when it is one simple command (no ; && || | & redirections, subshells or several lines), so the program is the service's process.\",\n      \"errorMessage\": \"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)\",\n      \"anyOf\": [\n        {\n          \"type\": \"string\",\n          \"minLength\": 1\n        },\n        {\n          \"type\": \"array\",\n          \"minItems\": 1,\n          \"items\": {\n            \"type\": \"string\",\n            \"errorMessage\": \"a string (one argument)\"\n          }\n        }\n      ],\n      \"examples\": [\n        [\n          \"node\",\n          \"server.js\"\n        ],\n        \"npm run migrate\"\n      ]\n    },\n    \"service\": {\n      \"type\": \"object\",\n      \"description\": \"One service.\",\n      \"errorMessage\": \"a map with 'command' and the service's other keys\",\n      \"required\": [\n        \"command\"\n      ],\n      \"additionalProperties\": false,\n      \"properties\": {\n        \"command\": {\n          \"$ref\": \"#/definitions/command\",\n          \"errorMessage\": \"the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)\"\n        },\n        \"cwd\": {\n          \"type\": \"string\",\n          \"minLength\": 1,\n          \"description\": \"Working directory of the service; relative paths are relative to this file's directory. Default: usher's own working directory.\",\n          \"errorMessage\": \"a directory path\",\n          \"examples\": [\n            \"/app\"\n          ]\n        },\n        \"env\": {\n          \"description\": \"Variables added to usher's environment for this service (after env_file, so they win). A map, or a list of KEY=VALUE strings.\",\n          \"errorMessage\": \"a map of variable names to values, or a list of KEY=VALUE strings\",\n          \"anyOf\": [\n            {\n              \"type\": \"object\",\n              \"propertyNames\": {\n                \"pattern\": \"^[A-Za-z_][A-Za-z0-9_]*$\",\n                \"errorMessage\": \"a variable name: letters, digits and '_', not starting with a digit\"\n              },\n              \"additionalProperties\": {\n                \"type\": [\n                  \"string\",\n                  \"number\",\n                  \"boolean\"\n                ],\n                \"errorMessage\": \"a string, a number or a boolean\"\n              }\n            },\n            {\n              \"type\": \"array\",\n              \"items\": {\n                \"type\": \"string\",\n                \"pattern\": \"^[A-Za-z_][A-Za-z0-9_]*=\",\n                \"errorMessage\": \"a KEY=VALUE string\"\n              }\n            }\n          ],\n          \"examples\": [\n            {\n              \"PORT\": \"8080\"\n            }\n          ]\n        },\n        \"env_file\": {\n          \"description\": \"File(s) of KEY=VALUE lines (# comments, blank lines, optional `export`, quotes), read when usher starts; relative to this file's directory. Values are not expanded.\",\n          \"errorMessage\": \"a file path or a list of file paths\",\n          \"anyOf\": [\n            {\n              \"type\": \"string\",\n              \"minLength\": 1\n            },\n            {\n              \"type\": \"array\",\n              \"minItems\": 1,\n              \"items\": {\n                \"type\": \"string\",\n                \"minLength\": 1,\n                \"errorMessage\": \"a file path\"\n              }\n            }\n          ],\n          \"examples\": [\n            \".env\"\n          ]\n        },\n        \"user\": {\n          \"description\": \"Run as this user: a name from the image's /etc/passwd, a uid, or user:group (names or ids); ${VAR} expanded. Its groups from /etc/group are set too. Needs usher to run as root.\",\n          \"errorMessage\": \"a user name or uid, optionally followed by :group (name or gid)\",\n          \"anyOf\": [\n            {\n              \"type\": \"string\",\n              \"pattern\": \"^(?:[^:\\\\s$]|\\\\$\\\\{[^}]+\\\\}|\\\\$\\\\$)+(?::(?:[^:\\\\s$]|\\\\$\\\\{[^}]+\\\\}|\\\\$\\\\$)+)?$\"\n            },\n            {\n              \"type\": \"integer\",\n              \"minimum\": 0\n            }\n          ],\n          \"examples\": [\n            \"node\",\n            \"1000:1000\"\n          ]\n        },\n        \"depends_on\": {\n          \"description\": \"Services that must be started first: a list of names (each must be started), or a map of name to condition: started, ready (its ready probe passed) or completed (it exited 0).\",\n          \"errorMessage\": \"a list of service names, or a map of service name to started, ready or completed\",\n          \"anyOf\": [\n            {\n              \"type\": \"array\",\n              \"uniqueItems\": true,\n              \"items\": {\n                \"type\": \"string\",\n                \"errorMessage\": \"a service name\"\n              }\n            },\n            {\n              \"type\": \"object\",\n              \"additionalProperties\": {\n                \"enum\": [\n                  \"started\",\n                  \"ready\",\n                  \"completed\"\n                ],\n                \"errorMessage\": \"started, ready or completed\"\n              }\n            }\n          ],\n          \"examples\": [\n            [\n              \"db\"\n            ],\n            {\n              \"db\": \"ready\",\n              \"migrate\": \"completed\"\n            }\n          ]\n        },\n        \"ready\": {\n          \"description\": \"When the service counts as ready: notify (it sends READY=1 to the socket named in its NOTIFY_SOCKET, as under systemd's Type=notify), or a probe map.\",\n          \"if\": {\n            \"type\": \"string\"\n          },\n          \"then\": {\n            \"const\": \"notify\",\n            \"errorMessage\": \"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)\"\n          },\n          \"else\": {\n            \"$ref\": \"#/definitions/readyProbe\"\n          },\n          \"examples\": [\n            \"notify\",\n            {\n              \"tcp\": 6379\n            }\n          ]\n        },\n        \"live\": {\n          \"$ref\": \"#/definitions/liveProbe\"\n        },\n        \"restart\": {\n          \"description\": \"When the service is started again after it ends: no, on-failure (exited non-zero or killed by a signal), always.\",\n          \"errorMessage\": \"no, on-failure or always\",\n          \"enum\": [\n            \"no\",\n            \"on-failure\",\n            \"always\"\n          ],\n          \"default\": \"no\"\n        },\n        \"max_restarts\": {\n          \"type\": \"integer\",\n          \"minimum\": 0,\n          \"description\": \"Restarts allowed in a row before the service is failed for good (and the container stops if it is critical); an instance that runs stable_after resets the count, as supervisord's startretries counts only starts that failed within startsecs. Default: no limit.\",\n          \"errorMessage\": \"a whole number, 0 or more\",\n          \"examples\": [\n            5\n          ]\n        },\n        \"stable_after\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"An instance that runs this long counts as a stable start: the max_restarts count and the back-off start over (supervisord's startsecs, for startretries).\",\n          \"default\": \"10s\"\n        },\n        \"backoff\": {\n          \"type\": \"object\",\n          \"description\": \"Delay before a restart: starts at initial, doubles at each restart up to max; back to initial after the service ran stably for a while.\",\n          \"errorMessage\": \"a map with 'initial' and 'max' durations\",\n          \"additionalProperties\": false,\n          \"properties\": {\n            \"initial\": {\n              \"$ref\": \"#/definitions/duration\",\n              \"description\": \"The first delay.\",\n              \"default\": \"1s\"\n            },\n            \"max\": {\n              \"$ref\": \"#/definitions/duration\",\n              \"description\": \"The longest delay.\",\n              \"default\": \"30s\"\n            }\n          },\n          \"examples\": [\n            {\n              \"initial\": \"1s\",\n              \"max\": \"30s\"\n            }\n          ]\n        },\n        \"stop_signal\": {\n          \"description\": \"Signal sent to stop the service: to its whole process group, or to its main process first with signal_group: false. A name (SIGTERM, TERM) or a number.\",\n          \"errorMessage\": \"a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31\",\n          \"anyOf\": [\n            {\n              \"type\": \"string\",\n              \"minLength\": 1\n            },\n            {\n              \"type\": \"integer\",\n              \"minimum\": 1,\n              \"maximum\": 31\n            }\n          ],\n          \"default\": \"SIGTERM\",\n          \"examples\": [\n            \"SIGTERM\",\n            \"SIGINT\",\n            \"SIGQUIT\"\n          ]\n        },\n        \"stop_timeout\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Time between the stop signal and SIGKILL (cut to what is left of grace during a shutdown).\",\n          \"default\": \"10s\"\n        },\n        \"signal_group\": {\n          \"type\": \"boolean\",\n          \"description\": \"true: the stop signal, signals usher passes on (HUP, USR1...) and `usher signal` go to the service's whole process group, as with stopasgroup. false: to its main process only (what supervisorctl signal does, and what a master process such as php-fpm or nginx expects: it tells its workers itself); once the main process has exited, what is left of its group gets the stop signal.\",\n          \"errorMessage\": \"true or false\",\n          \"default\": true\n        },\n        \"critical\": {\n          \"type\": \"boolean\",\n          \"description\": \"When the service fails for good (exits with no restart left, or a dependency fails), the whole container stops.\",\n          \"errorMessage\": \"true or false\",\n          \"default\": false\n        },\n        \"disabled\": {\n          \"type\": \"boolean\",\n          \"description\": \"Not started with the others: only by `usher start NAME` (supervisord's autostart=false, process-compose's disabled). Services that depend on it wait until it is started.\",\n          \"errorMessage\": \"true or false\",\n          \"default\": false\n        },\n        \"replicas\": {\n          \"type\": \"integer\",\n          \"minimum\": 1,\n          \"maximum\": 100,\n          \"description\": \"Run this many copies, named NAME-0, NAME-1... (one copy keeps the name): each gets USHER_REPLICA=0, 1... in its environment and in ${USHER_REPLICA} of its values (a port: \\\"80${USHER_REPLICA}\\\"). A depends_on on NAME waits for every copy. supervisord's numprocs, process-compose's replicas.\",\n          \"errorMessage\": \"a whole number from 1 to 100\",\n          \"default\": 1,\n          \"examples\": [\n            2\n          ]\n        }\n      }\n    },\n    \"readyProbe\": {\n      \"type\": \"object\",\n      \"title\": \"ready probe\",\n      \"description\": \"When the service counts as ready (gates dependants with `depends_on: {NAME: ready}` and /ready): exactly one of tcp, http, exec, log, delay, notify; plus interval and timeout.\",\n      \"errorMessage\": \"notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)\",\n      \"additionalProperties\": false,\n      \"oneOf\": [\n        {\n          \"required\": [\n            \"tcp\"\n          ]\n        },\n        {\n          \"required\": [\n            \"http\"\n          ]\n        },\n        {\n          \"required\": [\n            \"exec\"\n          ]\n        },\n        {\n          \"required\": [\n            \"log\"\n          ]\n        },\n        {\n          \"required\": [\n            \"delay\"\n          ]\n        },\n        {\n          \"required\": [\n            \"notify\"\n          ]\n        }\n      ],\n      \"properties\": {\n        \"tcp\": {\n          \"$ref\": \"#/definitions/probeTcp\"\n        },\n        \"http\": {\n          \"$ref\": \"#/definitions/probeHttp\"\n        },\n        \"exec\": {\n          \"$ref\": \"#/definitions/probeExec\"\n        },\n        \"log\": {\n          \"$ref\": \"#/definitions/probeLog\"\n        },\n        \"delay\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"The service counts as ready when it is still running this long after it started.\"\n        },\n        \"notify\": {\n          \"const\": true,\n          \"description\": \"The service counts as ready when it sends READY=1 to the socket named in its NOTIFY_SOCKET (sd_notify(3), systemd-notify --ready, usher-init/shutdown). `ready: notify` is short for `ready: { notify: true }`.\",\n          \"errorMessage\": \"true\"\n        },\n        \"interval\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Between two attempts.\",\n          \"default\": \"500ms\"\n        },\n        \"timeout\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Not ready this long after it started: the service failed.\",\n          \"default\": \"60s\"\n        }\n      },\n      \"examples\": [\n        {\n          \"tcp\": 6379\n        },\n        {\n          \"http\": \"http://127.0.0.1:8080/ready\",\n          \"interval\": \"500ms\",\n          \"timeout\": \"60s\"\n        }\n      ]\n    },\n    \"liveProbe\": {\n      \"type\": \"object\",\n      \"title\": \"live probe\",\n      \"description\": \"Checked while the service runs: after `failures` failed attempts in a row the service is restarted per its restart policy. Exactly one of tcp, http, exec, log, delay, watchdog; plus interval, timeout, failures (not with watchdog).\",\n      \"errorMessage\": \"a map with exactly one of tcp, http, exec, log, delay or watchdog (and optionally interval, timeout, failures)\",\n      \"additionalProperties\": false,\n      \"oneOf\": [\n        {\n          \"required\": [\n            \"tcp\"\n          ]\n        },\n        {\n          \"required\": [\n            \"http\"\n          ]\n        },\n        {\n          \"required\": [\n            \"exec\"\n          ]\n        },\n        {\n          \"required\": [\n            \"log\"\n          ]\n        },\n        {\n          \"required\": [\n            \"delay\"\n          ]\n        },\n        {\n          \"required\": [\n            \"watchdog\"\n          ]\n        }\n      ],\n      \"properties\": {\n        \"tcp\": {\n          \"$ref\": \"#/definitions/probeTcp\"\n        },\n        \"http\": {\n          \"$ref\": \"#/definitions/probeHttp\"\n        },\n        \"exec\": {\n          \"$ref\": \"#/definitions/probeExec\"\n        },\n        \"log\": {\n          \"$ref\": \"#/definitions/probeLog\"\n        },\n        \"delay\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Passes once the service has run this long.\"\n        },\n        \"watchdog\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"The service must send WATCHDOG=1 to the socket named in its NOTIFY_SOCKET at least this often once it is ready (systemd's WatchdogSec=; WATCHDOG_USEC is set for it); silent longer, it counts as dead.\"\n        },\n        \"interval\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Between two attempts.\",\n          \"default\": \"5s\"\n        },\n        \"timeout\": {\n          \"$ref\": \"#/definitions/duration\",\n          \"description\": \"Bound of one attempt.\",\n          \"default\": \"2s\"\n        },\n        \"failures\": {\n          \"type\": \"integer\",\n          \"minimum\": 1,\n          \"description\": \"Failed attempts in a row that count as dead.\",\n          \"errorMessage\": \"a whole number, 1 or more\",\n          \"default\": 3\n        }\n      },\n      \"examples\": [\n        {\n          \"http\": \"http://127.0.0.1:8080/live\",\n          \"interval\": \"5s\",\n          \"failures\": 3\n        },\n        {\n          \"watchdog\": \"10s\"\n        }\n      ]\n    },\n    \"probeTcp\": {\n      \"description\": \"A TCP connection succeeds: a port (on 127.0.0.1) or \\\"host:port\\\".\",\n      \"errorMessage\": \"a port number or \\\"host:port\\\"\",\n      \"anyOf\": [\n        {\n          \"type\": \"integer\",\n          \"minimum\": 1,\n          \"maximum\": 65535\n        },\n        {\n          \"type\": \"string\",\n          \"minLength\": 1\n        }\n      ],\n      \"examples\": [\n        6379,\n        \"127.0.0.1:5432\"\n      ]\n    },\n    \"probeHttp\": {\n      \"type\": \"string\",\n      \"minLength\": 1,\n      \"description\": \"GET this URL answers 2xx or 3xx.\",\n      \"errorMessage\": \"an http:// or https:// URL\",\n      \"examples\": [\n        \"http://127.0.0.1:8080/ready\"\n      ]\n    },\n    \"probeExec\": {\n      \"description\": \"This command exits 0 (a string runs through /bin/sh -c).\",\n      \"errorMessage\": \"a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)\",\n      \"anyOf\": [\n        {\n          \"type\": \"string\",\n          \"minLength\": 1\n        },\n        {\n          \"type\": \"array\",\n          \"minItems\": 1,\n          \"items\": {\n            \"type\": \"string\",\n            \"errorMessage\": \"a string (one argument)\"\n          }\n        }\n      ],\n      \"examples\": [\n        [\n          \"pg_isready\",\n          \"-h\",\n          \"127.0.0.1\"\n        ]\n      ]\n    },\n    \"probeLog\": {\n      \"type\": \"string\",\n      \"minLength\": 1,\n      \"description\": \"A line of the service's stdout or stderr matches this regular expression (RE2 syntax: JavaScript's without lookaround and backreferences; (?i) for any case). The first 4 KiB of each line are matched; a ready probe stops matching once the service is ready.\",\n      \"errorMessage\": \"a regular expression\",\n      \"examples\": [\n        \"listening on port \\\\d+\"\n      ]\n    }\n  }\n}\n";
