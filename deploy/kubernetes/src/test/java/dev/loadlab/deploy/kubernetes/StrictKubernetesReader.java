package dev.loadlab.deploy.kubernetes;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads rendered manifests into fabric8's typed Kubernetes model, refusing every field the model
 * does not have. fabric8's classes keep unknown fields in an {@code additionalProperties} map
 * (a Jackson any-setter), which would let a misspelt or misplaced field pass silently: this reader
 * removes the any-setter from every class it reads and fails on unknown properties, so that a
 * field the API would not know fails with its path (for example {@code spec.template.spec.containers[0].readynessProbe}).
 */
final class StrictKubernetesReader {
    /** The kinds the manifests may hold, by {@code apiVersion/kind}; any other kind fails the read. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "batch/v1/Job", Job.class);

    private final YAMLMapper yaml = YAMLMapper.builder().build();
    private final JsonMapper strict = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new NoAnySetter()))
            .build();

    /** Every document of a multi-document YAML stream, typed; an exception naming the first field the model refuses. */
    List<HasMetadata> readAll(String multiDocumentYaml) {
        return yaml.readerFor(JsonNode.class).<JsonNode>readValues(multiDocumentYaml).readAll().stream()
                .filter(document -> !document.isNull() && !document.isMissingNode())
                .<HasMetadata>map(this::read)
                .toList();
    }

    private HasMetadata read(JsonNode document) {
        String kind = document.path("apiVersion").asString() + "/" + document.path("kind").asString();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
            throw new IllegalArgumentException("no typed model for " + kind + " (known: " + KINDS.keySet() + ")");
        }
        return strict.treeToValue(document, type);
    }

    /** Drops the any-setter, so that an unknown property is unknown, not kept aside. */
    private static final class NoAnySetter extends ValueDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier description,
                BeanDeserializerBuilder builder) {
            builder.setAnySetter(null);
            builder.setIgnoreUnknownProperties(false);
            return builder;
        }
    }
}
