/*
 * librdkafka's in-process mock cluster as a standalone server, the yardstick for the dev broker's benchmark.
 * Usage: mock-cluster [topic partitions]...  Prints the bootstrap servers on one line, then serves until
 * killed (SIGTERM/SIGINT).
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t running = 1;

static void stop(int sig) {
  (void)sig;
  running = 0;
}

int main(int argc, char **argv) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new failed: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, 1);
  if (!cluster) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, argv[i], atoi(argv[i + 1]), 1);
    if (err) {
      fprintf(stderr, "creating topic %s failed: %s\n", argv[i], rd_kafka_err2str(err));
      return 1;
    }
  }
  signal(SIGTERM, stop);
  signal(SIGINT, stop);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  while (running) pause();
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
