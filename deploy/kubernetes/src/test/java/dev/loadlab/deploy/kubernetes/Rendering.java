package dev.loadlab.deploy.kubernetes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * One rendered kustomization, typed, with the lookups the checks need and the one piece of the
 * kubelet they need: a container's environment and its {@code $(VAR)} references, resolved as the
 * kubelet resolves them.
 *
 * @param name         the kustomization's folder, relative to deploy/kubernetes
 * @param objects      every object it renders, in order
 * @param runTimeData  ConfigMap data that the run creates rather than the kustomization
 *                     ({@code "name/key"} to value), such as the common start time
 */
record Rendering(String name, List<HasMetadata> objects, Map<String, String> runTimeData) {
    /** The same objects with other run-time ConfigMap data. */
    Rendering withRunTimeData(Map<String, String> data) {
        return new Rendering(name, objects, Map.copyOf(data));
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    List<Deployment> deployments() {
        return all(Deployment.class);
    }

    Optional<Job> job(String jobName) {
        return all(Job.class).stream().filter(job -> job.getMetadata().getName().equals(jobName)).findFirst();
    }

    boolean hasClaim(String claimName) {
        return all(PersistentVolumeClaim.class).stream().anyMatch(claim -> claim.getMetadata().getName().equals(claimName));
    }

    /** The port of Service {@code serviceName} whose number is {@code port}, if both exist. */
    Optional<ServicePort> servicePort(String serviceName, int port) {
        return all(Service.class).stream()
                .filter(service -> service.getMetadata().getName().equals(serviceName))
                .flatMap(service -> service.getSpec().getPorts().stream())
                .filter(servicePort -> servicePort.getPort() == port)
                .findFirst();
    }

    /**
     * The container's environment: {@code injected} first (what Kubernetes adds, such as the Job
     * controller's {@code JOB_COMPLETION_INDEX}), then each {@code env} entry in order, a value's
     * {@code $(VAR)} references resolved against the entries before it.
     */
    Map<String, String> environment(Container container, String podName, Map<String, String> injected) {
        Map<String, String> variables = new LinkedHashMap<>(injected);
        for (EnvVar variable : container.getEnv()) {
            String value = variable.getValue() != null
                    ? expand(variable.getValue(), variables)
                    : valueFrom(container, variable, podName);
            variables.put(variable.getName(), value);
        }
        return variables;
    }

    /** The container's {@code args}, each {@code $(VAR)} replaced; an unresolved reference fails. */
    List<String> arguments(Container container, String podName, Map<String, String> injected) {
        Map<String, String> variables = environment(container, podName, injected);
        List<String> arguments = container.getArgs().stream().map(argument -> expand(argument, variables)).toList();
        arguments.stream().filter(argument -> argument.contains("$(")).findFirst().ifPresent(argument -> {
            throw new AssertionError(name + ": container " + container.getName() + " refers to a variable it does not"
                    + " define, in '" + argument + "' (defined: " + variables.keySet() + ")");
        });
        return arguments;
    }

    private String valueFrom(Container container, EnvVar variable, String podName) {
        EnvVarSource source = variable.getValueFrom();
        if (source.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector reference = source.getConfigMapKeyRef();
            return configMapValue(reference.getName(), reference.getKey()).orElseThrow(() -> new AssertionError(name
                    + ": container " + container.getName() + " reads " + variable.getName() + " from ConfigMap "
                    + reference.getName() + " key " + reference.getKey()
                    + ", which neither this kustomization renders nor the run creates"));
        }
        if (source.getFieldRef() != null && source.getFieldRef().getFieldPath().equals("metadata.name")) {
            return podName;
        }
        throw new AssertionError(name + ": container " + container.getName() + " takes " + variable.getName()
                + " from a source these checks do not know: " + source);
    }

    private Optional<String> configMapValue(String configMapName, String key) {
        Optional<String> rendered = all(ConfigMap.class).stream()
                .filter(configMap -> configMap.getMetadata().getName().equals(configMapName))
                .map(configMap -> configMap.getData().get(key))
                .filter(value -> value != null)
                .findFirst();
        return rendered.or(() -> Optional.ofNullable(runTimeData.get(configMapName + "/" + key)));
    }

    /**
     * Kubernetes' expansion of {@code $(VAR)} in a command, argument or env value: a defined
     * variable is replaced, an undefined reference is left as written, {@code $$} is one {@code $}.
     */
    static String expand(String text, Map<String, String> variables) {
        StringBuilder expanded = new StringBuilder(text.length());
        int at = 0;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '$' && at + 1 < text.length() && text.charAt(at + 1) == '$') {
                expanded.append('$');
                at += 2;
                continue;
            }
            if (c == '$' && at + 1 < text.length() && text.charAt(at + 1) == '(') {
                int close = text.indexOf(')', at + 2);
                if (close > 0 && variables.containsKey(text.substring(at + 2, close))) {
                    expanded.append(variables.get(text.substring(at + 2, close)));
                    at = close + 1;
                    continue;
                }
            }
            expanded.append(c);
            at++;
        }
        return expanded.toString();
    }
}
