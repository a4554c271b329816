package dev.loadlab.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadlab.client.ClientMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MovedToSuiteCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"suite", "suite --full", "report results/x", "suite --help"})
    void theSuitesFormerCommandsSayWhereTheyWentInOneLineAndExit2(String args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ClientMain.execute(args.split(" "), new PrintWriter(out), new PrintWriter(err));
        String name = args.split(" ")[0];
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("client: '" + name + "' moved to the suite module: run ./run_tests.sh,"
                + " or java -jar suite/target/suite.jar " + name + " --help" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }
}
