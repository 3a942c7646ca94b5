package io.ampfill.source.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriverDataSourceTest {
    @Test
    void the_driver_managers_echo_of_the_url_is_masked() {
        DriverDataSource dataSource = new DriverDataSource("jdbc:nosuchdb://db/app?password=Url-Secret-9", "u", "Prop-Secret-8");
        assertThatThrownBy(dataSource::getConnection)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(JdbcTableReaderContract.fullText(e))
                        .contains("No suitable driver").doesNotContain("Url-Secret-9").doesNotContain("Prop-Secret-8"));
    }
}
