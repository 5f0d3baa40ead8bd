-- Second database on the same server: the planeval warehouse beside Airflow's metadata database.
CREATE USER planeval WITH PASSWORD 'planeval';
CREATE DATABASE planeval OWNER planeval;
