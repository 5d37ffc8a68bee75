-- {{name}}: drop {{table}}
{{guard}}
DROP TABLE IF EXISTS {{table}};
