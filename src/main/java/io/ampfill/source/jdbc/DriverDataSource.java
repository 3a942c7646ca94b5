package io.ampfill.source.jdbc;

import io.ampfill.secret.SecretText;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A DataSource that opens a connection through DriverManager with the settings' URL, user and password. Every
 * failure comes back with the password masked: DriverManager and some drivers put the whole URL into their
 * messages, and a URL may carry the password. Not pooled: a reader holds one connection for all its pages.
 */
public final class DriverDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    public DriverDataSource(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        return connect(username, pass);
    }

    private Connection connect(String username, String pass) throws SQLException {
        Properties info = new Properties();
        if (username != null) {
            info.setProperty("user", username);
        }
        if (pass != null) {
            info.setProperty("password", pass);
        }
        try {
            return DriverManager.getConnection(url, info);
        } catch (SQLException e) {
            throw SecretText.masked(e, pass);
        } catch (RuntimeException e) {
            throw SecretText.masked(new SQLException(e.getMessage(), e), pass);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager's own log writer is global; this DataSource keeps none
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // DriverManager's login timeout is global to the JVM; set a connect timeout in the URL instead
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "DriverDataSource[" + SecretText.mask(url, password) + ", user=" + user + "]";
    }
}
